#!/usr/bin/env python3
"""Append translations to locale/en.po and locale/ja.po.

Reads a file of blocks "English source\\n日本語\\n\\n" and adds every msgid that
the catalogs do not have yet (en.po gets the English text as its msgstr).
Usage: scripts/lib/add-msgids.py FILE
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def known(path):
    text = open(path, encoding='utf-8').read()
    return set(m.group(1) for m in re.finditer(r'^msgid "(.*)"$', text, re.M))


def main():
    blocks = [b for b in open(sys.argv[1], encoding='utf-8').read().split('\n\n') if b.strip()]
    pairs = []
    for b in blocks:
        lines = b.strip('\n').split('\n')
        if len(lines) != 2:
            sys.exit(f'expected two lines, got: {b!r}')
        pairs.append((lines[0], lines[1]))
    for lang in ('en', 'ja'):
        path = os.path.join(root, 'locale', f'{lang}.po')
        have = known(path)
        with open(path, 'a', encoding='utf-8') as f:
            for en, ja in pairs:
                if quote(en)[1:-1] in have:
                    continue
                f.write(f'\nmsgid {quote(en)}\nmsgstr {quote(en if lang == "en" else ja)}\n')


main()
