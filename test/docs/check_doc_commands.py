#!/usr/bin/env python3
"""Runs every command a Markdown document shows and checks that it prints what the document says.

In a fenced code block, a line starting with "$ " is a command and the lines after it, up to the
next command or the end of the block, are its output. All commands of a document run in one
bash session from the source tree, in order, so a later command sees an earlier one's files and
`echo $?` its status; a leading `build/` names the build tree under test. Compared exactly, line
by line, except that wall-clock seconds ("12.3 s wall") are not compared and an expected line
"..." stands for any number of lines. Exit 0 when every output matches, 1 with the first
difference per command otherwise, 2 on bad usage.
"""
import argparse
import re
import subprocess
import sys

WALL = re.compile(r"\d+(\.\d+)? s wall")
MARKER = "@@kvnand-doc-command-{}@@"


def commands_of(text):
    """(line number, command, expected output lines) for every shown command."""
    found = []
    in_block = False
    current = None  # the command whose output the block's next lines are
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_block = not in_block
            current = None
        elif in_block and line.startswith("$ "):
            current = (number, line[2:], [])
            found.append(current)
        elif current is not None:
            current[2].append(line)
    return found


def normalise(line):
    return WALL.sub("<wall> s wall", line.rstrip())


def matches(expected, actual):
    """Line by line; "..." in expected matches any run of lines (shortest first)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and normalise(expected[0]) == normalise(actual[0]) and matches(expected[1:], actual[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the source tree (commands run there)")
    parser.add_argument("--build", required=True, help="the build tree that `build/` in a command names")
    parser.add_argument("doc", help="the Markdown document")
    args = parser.parse_args()
    try:
        with open(args.doc, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print(f"check_doc_commands: {args.doc}: {e.strerror}", file=sys.stderr)
        return 2
    found = commands_of(text)
    if not found:
        print(f"check_doc_commands: {args.doc}: shows no command", file=sys.stderr)
        return 2

    script = []
    for index, (_, command, _) in enumerate(found):
        command = re.sub(r"(^|[\s=])build/", lambda m: m.group(1) + args.build.rstrip("/") + "/", command)
        script.append(f"__status=$?; echo '{MARKER.format(index)}'; (exit $__status)")
        script.append(f"{command} 2>&1")
    run = subprocess.run(["bash", "-c", "\n".join(script)], cwd=args.source, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=False)
    outputs = {}
    current = None
    for line in run.stdout.splitlines():
        marker = re.fullmatch(r"@@kvnand-doc-command-(\d+)@@", line)
        if marker:
            current = int(marker.group(1))
            outputs[current] = []
        elif current is not None:
            outputs[current].append(line)

    failures = 0
    for index, (number, command, expected) in enumerate(found):
        actual = [line.replace(args.build.rstrip("/") + "/", "build/") for line in outputs.get(index, [])]
        if matches(expected, actual):
            continue
        failures += 1
        print(f"{args.doc}:{number}: $ {command}", file=sys.stderr)
        for i in range(max(len(expected), len(actual))):
            want = expected[i] if i < len(expected) else "<nothing>"
            got = actual[i] if i < len(actual) else "<nothing>"
            if normalise(want) != normalise(got):
                print(f"  line {i + 1}: the document shows: {want}", file=sys.stderr)
                print(f"  line {i + 1}: the command prints:  {got}", file=sys.stderr)
                break
    checked = len(found)
    print(f"{args.doc}: {checked - failures} of {checked} shown commands print what the document shows")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
