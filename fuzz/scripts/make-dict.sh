#!/bin/sh
# Regenerates fuzz/ron.dict (a libFuzzer dictionary) from the identifiers of the serde types
# that the scenario, study and sweep files are parsed into. Run from the repository root.
set -eu
src="src/scenario/raw.rs src/scenario/vocab.rs src/scenario/select.rs src/scenario/timed.rs src/scenario/study.rs src/scenario/sweep.rs src/scenario/change/mod.rs src/scenario/change/factor.rs src/scenario/problem/raw.rs"
{
  echo "# libFuzzer dictionary for the forceplan RON inputs; made by fuzz/scripts/make-dict.sh."
  echo "# Field names, variant and struct names (from $src), then RON punctuation."
  {
    # Field names: `pub name: T` and struct-variant fields `name: T,` (lower-case identifiers).
    grep -hoE '^\s+(pub )?[a-z_][a-z0-9_]*: ' $src | sed -E 's/^\s+(pub )?//; s/: $//'
    # Variant names and serde struct renames (CamelCase identifiers on their own line / in rename).
    grep -hoE '^\s+[A-Z][A-Za-z0-9]*( \{|\(|,)' $src | sed -E 's/^\s+//; s/( \{|\(|,)$//'
    grep -hoE 'rename = "[A-Za-z]+"' $src | sed -E 's/rename = "(.*)"/\1/'
    echo Study; echo ForceOption; echo Sweep; echo Factor; echo Scenario; echo Problem
    echo Some; echo None; echo true; echo false
  } | grep -vxE 'self|pub|fn|let|mut|Self|Ok|Err|Option|Vec|String|Deserialize|Serialize' \
    | grep -vxE 'Problems|Inputs|ChangeError|BaseKind|Run|Compare|base_file|base_text|files|io|known|list|pr|prepared|params|spans|what|raw|sealed|message|field|file|path|problems|variants|main_file|inputs' \
    | sort -u | while read -r w; do printf '"%s"\n' "$w"; done
  for p in '(' ')' '[' ']' '{' '}' ':' ',' '"' '//' '/*' '*/' '#' '.' '-' 'e' 'inf' 'NaN' \
           ': "' '",' '(name: "' 'changes: [' 'options: [' 'factors: [' \
           '0.0' '1e308' '-1' '4294967296' '18446744073709551615' '\u{' 'r#"' '"#'; do
    printf '"%s"\n' "$(printf '%s' "$p" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  done
  # A few ids of the tutorial scenario, so that changes can name things that exist.
  grep -hoE '(id|code|contingent|sensor): "[a-z0-9-]+"' scenarios/tutorial.ron \
    | sed -E 's/.*: "(.*)"/\1/' | sort -u | head -40 | while read -r w; do printf '"%s"\n' "$w"; done
} > fuzz/ron.dict
wc -l fuzz/ron.dict
