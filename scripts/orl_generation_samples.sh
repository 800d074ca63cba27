#!/bin/bash
# The sample sets of configs/RESULTS.md (ORL runs), after configs/orl-diffusion.json,
# configs/orl-ip-adapter.json and configs/orl-ip-adapter-attention.json have trained:
#   scripts/orl_generation_samples.sh text            four seeds for six held-out captions
#   scripts/orl_generation_samples.sh adapter [all|N]   photos 1…N (default 1; all: every photo) of every held-out person
#       from its caption and the person's other 9 photos, with no image prompt and with the
#       mean, max, concat and attention aggregations, into runs/orl-ip-adapter-samples/<mode>/<person>-<photo>.png
# CLIPKIT names the binary; IP_SCALE (default 1) sets λ and MODES the aggregations (default all
# five); with λ ≠ 1 the images go to runs/orl-ip-adapter-samples-scale<λ>/.
BIN=${CLIPKIT:-.build/release/clipkit}
cd "$(dirname "$0")/.." || exit 1

# "person|photo|caption" for s28…s40, the first pattern of FaceCaptions.
captions() {
python3 - "$1" <<'PY'
import csv, sys
for r in csv.DictReader(open('data/orl-faces/attributes.csv')):
    if int(r['person'][1:]) < 28 or (sys.argv[1] != 'all' and int(r['photo']) > int(sys.argv[1])): continue
    noun = 'man' if r['gender'] == 'male' else 'woman'
    f = ['a bald head' if r['hair_length'] == 'bald' else f"{r['hair_length']} {r['hair_colour']} hair"]
    f += [w for k, w in (('glasses', 'glasses'), ('beard', 'a beard'), ('moustache', 'a moustache')) if r[k] == '1']
    j = f[0] if len(f) == 1 else ', '.join(f[:-1]) + ' and ' + f[-1]
    st = (['smiling'] if r['smiling'] == '1' else []) + (['with closed eyes'] if r['eyes_closed'] == '1' else []) \
        + ([f"head turned to the {r['head']}"] if r['head'] != 'frontal' else [])
    print(r['person'] + '|' + r['photo'] + '|' + f"a photo of a {noun} with {j}" + (', ' + ', '.join(st) if st else ''))
PY
}

if [ "$1" = text ]; then
  OUT=runs/orl-diffusion-samples
  rm -rf $OUT; mkdir -p $OUT
  captions 1 | grep -E '^s(28|31|32|34|37|39)\|' | while IFS='|' read -r person photo prompt; do
    $BIN generate --model runs/orl-diffusion/model --prompt "$prompt" --guidance 3 --steps 25 --scheduler ddim --seed 7 \
      --count 4 --size 32 --out $OUT/$person > /dev/null
  done
else
  # One job per (person, photo, aggregation), JOBS at a time (default 2).
  IP_SCALE=${IP_SCALE:-1}
  MODES=${MODES:-none mean max concat attention}
  OUT=runs/orl-ip-adapter-samples
  [ "$IP_SCALE" = 1 ] || OUT=$OUT-scale$IP_SCALE
  rm -rf $OUT
  for mode in $MODES; do mkdir -p $OUT/$mode; done
  export BIN OUT IP_SCALE
  generate_one() {
    IFS='|' read -r person photo prompt mode <<< "$1"
    refs=()
    for n in 1 2 3 4 5 6 7 8 9 10; do
      [ "$n" = "$photo" ] || refs+=(--image "data/orl-faces/$person/$n.png")
    done
    model=runs/orl-ip-adapter/model
    case $mode in
      none) refs=() ;;
      attention) model=runs/orl-ip-adapter-attention/model; refs+=(--aggregate attention) ;;
      *) refs+=(--aggregate "$mode") ;;
    esac
    tmp=$OUT/tmp-$person-$photo-$mode
    $BIN generate --model $model --prompt "$prompt" "${refs[@]}" --ip-scale "$IP_SCALE" --guidance 3 --steps 25 \
      --scheduler ddim --seed 7 --size 32 --out "$tmp" > /dev/null || echo "failed: $person $photo $mode"
    mv "$tmp/7-0.png" "$OUT/$mode/$person-$photo.png" && rmdir "$tmp"
  }
  export -f generate_one
  captions "${2:-1}" | while IFS='|' read -r person photo prompt; do
    for mode in $MODES; do printf '%s\0' "$person|$photo|$prompt|$mode"; done
  done | xargs -0 -P "${JOBS:-2}" -I{} bash -c 'generate_one "$1"' _ {}
fi
