//! `-o yaml`: the JSON a command prints, as YAML, for objects, listings (`--all`'s raw
//! path too) and a secret shown once, which no output mode may shorten; and
//! `connectors update --set/--unset`, read back with `connectors get`.

use serde_json::Value;

use crate::c1_sandbox::OKTA;
use crate::support::{Env, Run, Served};

/// `connkit -o FORMAT ARGS…` against the served sandbox: ISC commands through
/// `--base-url`, ConductorOne ones through its environment variables.
fn run(env: &Env, served: &Served, format: &str, args: &[&str]) -> Run {
    let (id, secret) = &served.c1_credentials;
    let isc = args.first() == Some(&"connectors");
    let base_url: &[&str] = if isc {
        &["--base-url", &served.base_url]
    } else {
        &[]
    };
    Run::from(
        env.cmd(["-o", format])
            .args(base_url)
            .args(args)
            .env("CONDUCTORONE_SERVER_URL", &served.base_url)
            .env("CONDUCTORONE_CLIENT_ID", id)
            .env("CONDUCTORONE_CLIENT_SECRET", secret)
            .output()
            .expect("run connkit"),
    )
}

/// The script name of the served sandbox's first connector.
fn first_script_name(env: &Env, served: &Served) -> String {
    let listed = run(env, served, "json", &["connectors", "list", "--limit", "1"]).ok();
    let name = listed.json()[0]["scriptName"].as_str().map(str::to_owned);
    name.expect("a script name")
}

/// `run`'s stdout, read as YAML.
fn yaml(run: &Run) -> Value {
    serde_norway::from_str(&run.stdout).unwrap_or_else(|e| panic!("not YAML ({e}): {}", run.stdout))
}

#[test]
fn yaml_is_the_json_output_re_encoded_for_objects_and_listings() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    for listing in [
        &["connectors", "list"][..],
        &["connectors", "list", "--all"],
    ] {
        let json = run(&env, &served, "json", listing).ok().json();
        let as_yaml = run(&env, &served, "yaml", listing).ok();
        assert!(
            !as_yaml.stdout.trim_start().starts_with('['),
            "{}",
            as_yaml.stdout
        );
        assert_eq!(yaml(&as_yaml), json, "{listing:?}");
        assert!(json.as_array().is_some_and(|items| !items.is_empty()));
    }
    let name = &first_script_name(&env, &served);
    let get = ["connectors", "get", name];
    assert_eq!(
        yaml(&run(&env, &served, "yaml", &get).ok()),
        run(&env, &served, "json", &get).ok().json()
    );
}

#[test]
fn a_rotated_secret_is_whole_in_every_output_mode() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1"]);
    let create = format!("c1 connectors create --app {OKTA} --catalog-id cat --delegated");
    let create: Vec<&str> = create.split_whitespace().collect();
    let created = run(&env, &served, "json", &create).ok().json();
    let id = created["id"].as_str().expect("connector id").to_owned();
    let rotate = [
        "c1",
        "connectors",
        "credentials",
        "rotate",
        "--app",
        OKTA,
        &id,
    ];
    for format in ["json", "ndjson", "yaml", "table"] {
        let rotated = run(&env, &served, format, &rotate).ok();
        // The whole secret, as the structured modes decode it; the table has no decoder.
        let secret = match format {
            "json" | "ndjson" => rotated.json()["clientSecret"].as_str().map(str::to_owned),
            "yaml" => yaml(&rotated)["clientSecret"].as_str().map(str::to_owned),
            _ => rotated
                .stdout
                .lines()
                .find_map(|line| line.strip_prefix("clientSecret"))
                .map(|rest| rest.trim().to_owned()),
        }
        .unwrap_or_else(|| panic!("{format}: no clientSecret in {}", rotated.stdout));
        assert!(secret.starts_with("secret-token:"), "{format}: {secret}");
        assert!(secret.len() > 100, "{format}: {secret}");
        assert!(!secret.contains('…'), "{format}: {secret}");
        assert!(rotated.stdout.contains(&secret), "{format}");
    }
}

#[test]
fn update_set_and_unset_round_trip_through_get() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    let name = &first_script_name(&env, &served);
    let update = |flags: &[&str]| {
        let mut args = vec!["connectors", "update", name];
        args.extend_from_slice(flags);
        run(&env, &served, "json", &args)
    };
    update(&[
        "--set",
        "connectorMetadata.team=identity core",
        "--set",
        "connectorMetadata.limits={\"pages\":3}",
        "--set",
        "connectorMetadata.count=7",
    ])
    .ok();
    let got = run(&env, &served, "json", &["connectors", "get", name])
        .ok()
        .json();
    assert_eq!(got["connectorMetadata"]["team"], "identity core");
    assert_eq!(
        got["connectorMetadata"]["limits"],
        serde_json::json!({"pages": 3})
    );
    assert_eq!(got["connectorMetadata"]["count"], 7);

    update(&["--unset", "connectorMetadata.team"]).ok();
    let got = run(&env, &served, "json", &["connectors", "get", name])
        .ok()
        .json();
    assert!(got["connectorMetadata"].get("team").is_none(), "{got}");
    assert_eq!(got["connectorMetadata"]["count"], 7);

    let bad = update(&["--set", "novalue"]).code(2);
    assert!(bad.stderr.contains("novalue"), "{}", bad.stderr);
    update(&[]).code(2);
    // The built patch is pre-flighted as a patch file is: nothing is sent.
    let refused = update(&["--set", "scriptName=other"]).code(3);
    assert!(
        refused.stderr.contains("--set/--unset") && refused.stderr.contains("not patchable"),
        "{}",
        refused.stderr
    );
}
