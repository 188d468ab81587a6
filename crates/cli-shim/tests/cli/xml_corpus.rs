//! Issue 19: the XML corpus through the `connkit` binary. Every realistic SailPoint
//! document passes `connkit validate --kind KIND FILE` and is uploaded into the
//! embedded sandbox with `connectors KIND put`, which serves it back byte for byte;
//! every hostile one is refused by `validate` (exit 3, the refusal on stderr and its
//! located finding code in the findings on stdout) and,
//! sent anyway with `--no-preflight`, by the sandbox (exit 2, the code named).

#[path = "../../../core-models/tests/fixtures/xml/corpus.rs"]
mod corpus;

use crate::support::{Env, Run};

const SCRIPT: &str = "corpus";

fn create_connector(env: &Env) {
    let created = env
        .run([
            "--sandbox",
            "connectors",
            "create",
            "--name",
            "Corpus",
            "--class-name",
            "sailpoint.connector.OpenConnectorAdapter",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(created["scriptName"], SCRIPT);
}

fn validate(env: &Env, entry: &corpus::Entry) -> Run {
    env.run([
        "validate",
        "--kind",
        &entry.kind,
        entry.path.to_str().unwrap(),
    ])
}

#[test]
fn realistic_documents_validate_upload_and_come_back_unchanged() {
    let env = Env::new();
    create_connector(&env);
    for entry in corpus::realistic() {
        let checked = validate(&env, &entry);
        assert_eq!(checked.code, 0, "{}: {}", entry.name, checked.stderr);
        assert_eq!(checked.json(), serde_json::json!([]), "{}", entry.name);
        assert!(
            !checked.stderr.contains("error") && !checked.stderr.contains("warning"),
            "{}: {}",
            entry.name,
            checked.stderr
        );
        let path = entry.path.to_str().unwrap();
        let put = env.run(["--sandbox", "connectors", &entry.kind, "put", SCRIPT, path]);
        assert_eq!(put.code, 0, "{}: {}", entry.name, put.stderr);
        // Raw bytes: a latin1 document is not UTF-8 on stdout.
        let got = env
            .cmd(["--sandbox", "connectors", &entry.kind, "get", SCRIPT])
            .output()
            .expect("run connkit");
        assert!(
            got.status.success(),
            "{}",
            String::from_utf8_lossy(&got.stderr)
        );
        assert!(
            got.stdout == entry.bytes(),
            "{}: not served byte for byte",
            entry.name
        );
    }
}

#[test]
fn hostile_documents_are_refused_by_validate_and_by_the_sandbox() {
    let env = Env::new();
    create_connector(&env);
    for entry in corpus::hostile() {
        let code = entry.refused_with.as_deref().unwrap_or_default();
        let refused = validate(&env, &entry).code(3);
        assert!(
            refused.stderr.contains("pre-flight would reject"),
            "{}: {}",
            entry.name,
            refused.stderr
        );
        let findings = refused.json();
        let named = findings
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["code"] == code && f["severity"] == "error" && f["line"].is_u64());
        assert!(named, "{}: no {code} in {findings}", entry.name);
        let path = entry.path.to_str().unwrap();
        let sent = env
            .run([
                "--sandbox",
                "--no-preflight",
                "connectors",
                &entry.kind,
                "put",
                SCRIPT,
                path,
            ])
            .code(2);
        assert!(
            sent.stderr.contains(code),
            "{}: {}",
            entry.name,
            sent.stderr
        );
    }
}
