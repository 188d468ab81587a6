//! Issue 13: a connector name too long for the URIs that address it is refused by the
//! create pre-flight (nothing is sent), and by the sandbox when pre-flight is off.

use crate::support::{Env, Served};

#[test]
fn a_name_too_long_to_address_is_refused_before_and_after_sending() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    let long = "n".repeat(66_000);
    let create = |extra: &[&str]| {
        let mut args = vec!["--base-url", served.base_url.as_str()];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "connectors",
            "create",
            "--name",
            &long,
            "--class-name",
            "x.Y",
        ]);
        env.run(args)
    };

    let refused = create(&[]).code(3);
    assert!(
        refused.stderr.contains("create.too-long")
            && refused
                .stderr
                .contains("66000 characters long; at most 255"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        served.stats()["by_operation"]["createCustomConnector"],
        serde_json::Value::Null
    );

    let server_side = create(&["--no-preflight"]).code(2);
    assert!(
        server_side.stderr.contains("400") && server_side.stderr.contains("the limit is 255"),
        "{}",
        server_side.stderr
    );
}
