//! `-o yaml`: the JSON a command prints, as YAML, for objects, listings (`--all`'s raw
//! path too) and a secret shown once, which no output mode may shorten.

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
    let first = run(
        &env,
        &served,
        "json",
        &["connectors", "list", "--limit", "1"],
    )
    .ok()
    .json();
    let name = first[0]["scriptName"].as_str().expect("a script name");
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
