//! Help that teaches: a subcommand's help leaves the global options to
//! `connkit --help`, which lists them once, and every leaf command's long help ends
//! with examples that parse.

use crate::completion::complete;
use crate::support::Env;

/// Options only `connkit --help` should describe.
const GLOBALS: [&str; 3] = ["--client-secret", "--plugin-timeout", "--shared-state"];

#[test]
fn subcommand_help_is_short_and_points_at_the_global_options() {
    let env = Env::new();
    for flag in ["--help", "-h"] {
        let help = env.run(["connectors", "list", flag]).ok().stdout;
        assert!(help.lines().count() < 45, "{flag}: {help}");
        for global in GLOBALS {
            assert!(!help.contains(global), "{flag} shows {global}: {help}");
        }
        assert!(help.contains("`connkit --help` lists them"), "{help}");
        assert!(help.contains("--filter"), "its own options stay: {help}");
    }
    let top = env.run(["--help"]).ok().stdout;
    assert!(top.contains("Global options:"), "{top}");
    for global in GLOBALS {
        assert!(top.contains(global), "`connkit --help` lacks {global}");
    }
}

#[test]
fn global_options_still_parse_and_complete_after_a_subcommand() {
    let env = Env::new();
    let run = env
        .run(["connectors", "list", "--sandbox", "-o", "json"])
        .ok();
    assert!(!run.json().is_null(), "{}", run.stdout);
    let offered = complete(&env, &["connkit", "connectors", "list", "--shared-s"], 3);
    assert!(
        offered.iter().any(|c| c.starts_with("--shared-state")),
        "{offered:?}"
    );
}

#[test]
fn every_leaf_command_has_examples_that_parse() {
    let env = Env::new();
    let leaves = leaves(&env, &mut Vec::new());
    assert!(leaves.len() > 50, "{leaves:?}");
    for leaf in leaves {
        let help = env
            .run(leaf.iter().chain([&"--help".to_owned()]))
            .ok()
            .stdout;
        let (_, examples) = help
            .split_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("`connkit {}` has no examples", leaf.join(" ")));
        let mut count = 0;
        for line in examples.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let words = split(line);
            assert_eq!(words.first().map(String::as_str), Some("connkit"), "{line}");
            // Parsing stops at `--help`, which must come before any `--`.
            let mut args = words[1..].to_vec();
            let at = args.iter().position(|w| w == "--").unwrap_or(args.len());
            args.insert(at, "--help".to_owned());
            let run = env.run(&args);
            assert_eq!(
                run.code, 0,
                "example `{line}` does not parse: {}",
                run.stderr
            );
            count += 1;
        }
        assert!(count > 0, "`connkit {}`: empty examples", leaf.join(" "));
    }
}

/// The commands under `path` that have no subcommands, from each one's `--help`.
fn leaves(env: &Env, path: &mut Vec<String>) -> Vec<Vec<String>> {
    let help = env
        .run(path.iter().chain([&"--help".to_owned()]))
        .ok()
        .stdout;
    let Some((_, listed)) = help.split_once("\nCommands:\n") else {
        return vec![path.clone()];
    };
    let names: Vec<String> = listed
        .lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.strip_prefix("  ")?.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    let mut found = Vec::new();
    for name in names {
        path.push(name);
        found.extend(leaves(env, path));
        path.pop();
    }
    found
}

/// `line` split into words as a shell would: on spaces, outside of '…' and "…".
fn split(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => (quote, started) = (Some(c), true),
            (None, ' ') if started => {
                words.push(std::mem::take(&mut word));
                started = false;
            }
            (None, ' ') => {}
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    assert!(quote.is_none(), "unbalanced quote in `{line}`");
    words.extend(started.then_some(word));
    words
}

#[test]
fn examples_split_like_a_shell() {
    assert_eq!(
        split(r#"connkit x --filter 'name sw "A b"'  "c d"e ''"#),
        ["connkit", "x", "--filter", "name sw \"A b\"", "c de", ""]
    );
}
