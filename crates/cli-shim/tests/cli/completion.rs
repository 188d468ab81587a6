//! Dynamic completion (`COMPLETE=bash connkit -- connkit …`, as the script from
//! `COMPLETE=bash connkit` calls it): profile names from the profiles file, scriptNames
//! of the default tenant's connectors through a short-lived cache, and no hidden
//! options.

use crate::support::{Env, Run, Served};

/// The candidates bash would get for the word at `index` of `words` (`connkit` is
/// word 0).
pub fn complete(env: &Env, words: &[&str], index: usize) -> Vec<String> {
    let run = Run::from(
        env.cmd(["--", "connkit"])
            .args(&words[1..])
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", index.to_string())
            .env("_CLAP_IFS", "\n")
            .output()
            .expect("run connkit for completions"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn profile_names_are_completed_and_hidden_options_are_not() {
    let env = Env::new();
    env.run([
        "profile",
        "add",
        "acme-prod",
        "--base-url",
        "http://127.0.0.1:1",
    ])
    .ok();
    env.run(["profile", "add", "acme-c1", "--platform", "c1"])
        .ok();
    let offered = complete(&env, &["connkit", "--profile", ""], 2);
    assert!(offered.contains(&"acme-prod".to_owned()), "{offered:?}");
    assert!(offered.contains(&"acme-c1".to_owned()), "{offered:?}");
    let options = complete(&env, &["connkit", "--i"], 1);
    assert!(
        options.contains(&"--in-process-plugins".to_owned()),
        "{options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "--isolate-plugins"),
        "{options:?}"
    );
}

#[test]
fn script_names_come_from_the_default_tenant_then_from_the_cache() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    env.run([
        "profile",
        "add",
        "t",
        "--default",
        "--base-url",
        &served.base_url,
    ])
    .ok();
    let listed = env.run(["connectors", "list", "-o", "json"]).ok().json();
    let mut names: Vec<String> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["scriptName"].as_str().expect("a scriptName").to_owned())
        .collect();
    names.sort();
    // The values offered for SCRIPT_NAME (the options are offered too).
    let offered = |env: &Env| {
        let mut offered = complete(env, &["connkit", "connectors", "get", ""], 3);
        offered.retain(|o| !o.starts_with('-'));
        offered.sort();
        offered
    };
    assert_eq!(offered(&env), names);
    assert!(env
        .path()
        .join("cache/completion/script-names.json")
        .is_file());
    // With the tenant gone, the names fetched moments ago are still offered.
    drop(served);
    assert_eq!(offered(&env), names);
    // A cache file that is not what connkit wrote offers no names and breaks nothing.
    env.file("cache/completion/script-names.json", "{\"values\": [\"x\"");
    assert_eq!(offered(&env), Vec::<String>::new());
}

#[test]
fn nushell_gets_a_static_script() {
    let env = Env::new();
    let script = env.run(["completions", "nushell"]).ok().stdout;
    assert!(script.starts_with("module completions {"), "{script}");
    for command in ["connkit login", "connkit whoami", "connkit plugins new"] {
        assert!(
            script.contains(&format!("export extern \"{command}\"")),
            "no {command}"
        );
    }
}
