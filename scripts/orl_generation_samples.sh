#!/bin/bash
# The sample sets of configs/RESULTS.md (ORL runs), after configs/orl-diffusion.json and
# configs/orl-ip-adapter.json have trained: `scripts/orl_generation_samples.sh text` (four seeds for
# six held-out captions) or `... adapter` (photo 1 of every held-out person from its caption and
# the other 9 photos, per aggregation and with no image). CLIPKIT names the binary.
BIN=${CLIPKIT:-.build/release/clipkit}
cd "$(dirname "$0")/.." || exit 1

# "person|caption of photo 1" for s28…s40, the first pattern of FaceCaptions.
captions() {
python3 - <<'PY'
import csv
for r in csv.DictReader(open('data/orl-faces/attributes.csv')):
    if r['photo'] != '1' or int(r['person'][1:]) < 28: continue
    noun = 'man' if r['gender'] == 'male' else 'woman'
    f = ['a bald head' if r['hair_length'] == 'bald' else f"{r['hair_length']} {r['hair_colour']} hair"]
    f += [w for k, w in (('glasses', 'glasses'), ('beard', 'a beard'), ('moustache', 'a moustache')) if r[k] == '1']
    j = f[0] if len(f) == 1 else ', '.join(f[:-1]) + ' and ' + f[-1]
    st = (['smiling'] if r['smiling'] == '1' else []) + (['with closed eyes'] if r['eyes_closed'] == '1' else []) \
        + ([f"head turned to the {r['head']}"] if r['head'] != 'frontal' else [])
    print(r['person'] + '|' + f"a photo of a {noun} with {j}" + (', ' + ', '.join(st) if st else ''))
PY
}

if [ "$1" = text ]; then
  OUT=runs/orl-diffusion-samples
  rm -rf $OUT; mkdir -p $OUT
  captions | grep -E '^s(28|31|32|34|37|39)\|' | while IFS='|' read -r person prompt; do
    $BIN generate --model runs/orl-diffusion/model --prompt "$prompt" --guidance 3 --steps 25 --scheduler ddim --seed 7 \
      --count 4 --size 32 --out $OUT/$person > /dev/null
  done
else
  OUT=runs/orl-ip-adapter-samples
  rm -rf $OUT; mkdir -p $OUT/tmp
  captions | while IFS='|' read -r person prompt; do
    refs=""
    for n in 2 3 4 5 6 7 8 9 10; do refs="$refs --image data/orl-faces/$person/$n.png"; done
    for agg in none mean max concat; do
      if [ $agg = none ]; then extra=""; else extra="$refs --aggregate $agg"; fi
      $BIN generate --model runs/orl-ip-adapter/model --prompt "$prompt" $extra --guidance 3 --steps 20 --scheduler ddim \
        --seed 7 --size 32 --out $OUT/tmp > /dev/null || echo "failed: $person $agg"
      mv $OUT/tmp/7-0.png $OUT/$person-$agg.png
    done
  done
  rmdir $OUT/tmp
fi
