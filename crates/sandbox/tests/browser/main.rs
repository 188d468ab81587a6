//! The dashboard in a real browser: headless Chromium over the DevTools protocol
//! against a sandbox the test drives over HTTP on 127.0.0.1. A request the test makes
//! shows in the journal within a second, a fault rule added through the page fails the
//! next request, the page passes its accessibility checks at a laptop's and a phone's
//! width, and screenshots of both go to `target/screenshots/` (printed).

mod cdp;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connkit_sandbox::{RateLimitConfig, Sandbox, ServerHandle};
use connkit_transport::{HttpBackend, Transport};
use serde_json::{json, Value};

use cdp::Browser;

/// The two window sizes: a laptop and a narrow (phone-sized) window.
const SIZES: [(u32, u32); 2] = [(1280, 800), (390, 844)];

/// Where screenshots are kept (a CI artifact).
fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/")
        .join("screenshots")
}

/// A served sandbox (rate limited, so that windows show) and an HTTP client for it.
async fn served() -> (Sandbox, ServerHandle, Arc<HttpBackend>) {
    let sandbox = Sandbox::builder()
        .seed(5)
        .rate_limit(RateLimitConfig {
            max: 100,
            window: Duration::from_secs(10),
        })
        .build()
        .unwrap();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = Arc::new(HttpBackend::builder().system_proxy(false).build().unwrap());
    (sandbox, server, http)
}

/// `GET {base}{path}`: the status.
async fn get(http: &HttpBackend, server: &ServerHandle, path: &str) -> u16 {
    let request = http::Request::get(format!("{}{path}", server.base_url()))
        .body(Bytes::new())
        .unwrap();
    http.send(request).await.unwrap().status().as_u16()
}

/// Opens the dashboard and waits until it has loaded everything once.
async fn dashboard(server: &ServerHandle, (width, height): (u32, u32)) -> Browser {
    let mut browser =
        Browser::open(&format!("{}/__sandbox/", server.base_url()), width, height).await;
    browser
        .wait_for(
            "!!document.body && document.body.dataset.ready === 'true'",
            Duration::from_secs(15),
        )
        .await;
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_shows_in_the_journal_within_a_second_and_opens_into_its_detail() {
    let (_sandbox, server, http) = served().await;
    let mut browser = dashboard(&server, SIZES[0]).await;
    assert_eq!(
        get(&http, &server, "/v2024/connectors/nope?locale=en").await,
        404
    );
    let took = browser
        .wait_for(
            "!!document.querySelector('#journal li[data-operation=\"getConnector\"]')",
            Duration::from_secs(5),
        )
        .await;
    assert!(
        took < Duration::from_secs(1),
        "the request showed after {took:?}"
    );
    println!("the request showed in the page's journal after {took:?}");
    browser
        .eval("document.querySelector('#journal li summary').click(), true")
        .await;
    browser
        .wait_for(
            "!!document.querySelector('#journal details[open] pre')",
            Duration::from_secs(5),
        )
        .await;
    let detail = browser
        .eval("document.querySelector('#journal details[open]').textContent")
        .await;
    let detail = detail.as_str().expect("the detail's text");
    assert!(
        detail.contains("GET /v2024/connectors/nope?locale=en"),
        "{detail}"
    );
    assert!(
        detail.contains("status: 404") && detail.contains("tracking id: "),
        "{detail}"
    );
    // Filtering by another operation hides it.
    let hidden = browser
        .eval(
            "(() => { const f = document.getElementById('filter-operation'); f.value = 'c1.List'; \
             f.dispatchEvent(new Event('input')); return document.querySelectorAll('#journal li').length; })()",
        )
        .await;
    assert_eq!(hidden, json!(0));
    // Stats and the rate limiter's window for the (token-less) client show up.
    browser
        .wait_for(
            "document.getElementById('limits-table').textContent.includes('(no token)') && \
             document.getElementById('stats-operation').textContent.includes('getConnector')",
            Duration::from_secs(5),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_rule_added_through_the_page_fails_the_next_request() {
    let (sandbox, server, http) = served().await;
    let mut browser = dashboard(&server, SIZES[0]).await;
    // Fill the form with the keyboard's events: focus, set, and submit with the button.
    browser
        .eval(
            "(() => { const set = (id, v) => { const e = document.getElementById(id); e.focus(); e.value = v; \
             e.dispatchEvent(new Event('input')); }; set('fault-operation', 'getConnectorList'); \
             set('fault-times', '1'); set('fault-action', 'status'); set('fault-value', '503'); \
             document.getElementById('add-fault').focus(); return true; })()",
        )
        .await;
    browser.press("Enter", 13, "\r").await;
    let started = std::time::Instant::now();
    while sandbox.fault_rules().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the page added no rule"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rule = &sandbox.fault_rules()[0];
    assert_eq!(rule.operation.as_deref(), Some("getConnectorList"));
    assert_eq!(get(&http, &server, "/v2024/connectors").await, 503);
    assert_eq!(
        get(&http, &server, "/v2024/connectors").await,
        200,
        "times=1"
    );
    browser
        .wait_for(
            "document.getElementById('fault-rules').textContent.includes('matched 2')",
            Duration::from_secs(5),
        )
        .await;
    // A rule the sandbox refuses says why on the page.
    browser
        .eval(
            "(() => { document.getElementById('fault-value').value = '700'; \
             document.getElementById('add-fault').click(); return true; })()",
        )
        .await;
    browser
        .wait_for(
            "document.getElementById('fault-error').textContent.includes('not in 200..=599')",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(sandbox.fault_rules().len(), 1);
    // Removing it through the page.
    browser
        .eval("document.querySelector('#fault-rules button').click(), true")
        .await;
    let started = std::time::Instant::now();
    while !sandbox.fault_rules().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the page removed no rule"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_admin_routes_the_page_is_read_only() {
    let sandbox = Sandbox::builder()
        .seed(5)
        .admin_routes(false)
        .build()
        .unwrap();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut browser = dashboard(&server, SIZES[0]).await;
    let state = browser
        .eval(
            "[document.getElementById('mode').textContent, \
             [...document.querySelectorAll('.admin')].every(c => c.disabled)]",
        )
        .await;
    assert_eq!(
        state[0],
        "Read-only: admin routes disabled (start with --admin-routes)."
    );
    assert_eq!(
        state[1], true,
        "every control that changes something is disabled"
    );
    // Even a script on the page cannot add a rule.
    let status = browser
        .eval("fetch('/__sandbox/faults', {method: 'POST', body: 'reset'}).then(r => r.status)")
        .await;
    assert_eq!(status, 403);
    assert!(sandbox.fault_rules().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accessible_at_two_window_sizes_with_screenshots() {
    let (sandbox, server, http) = served().await;
    for path in [
        "/v2024/connectors",
        "/v2024/connectors/nope",
        "/api/v1/apps/2demoapp000okta0000000000001/connectors",
    ] {
        get(&http, &server, path).await;
    }
    sandbox
        .add_fault_rule(
            "operation=getConnector,skip=2,times=1,status=503"
                .parse()
                .unwrap(),
        )
        .unwrap();
    for (width, height) in SIZES {
        let mut browser = dashboard(&server, (width, height)).await;
        browser
            .wait_for(
                "document.querySelectorAll('#journal li').length === 3",
                Duration::from_secs(5),
            )
            .await;
        let problems = browser.eval(include_str!("accessibility.js")).await;
        assert_eq!(problems, json!([]), "at {width}x{height}");
        // Every control of the forms is reached with the Tab key alone.
        let controls = browser
            .eval("[...document.querySelectorAll('form input, form select, form button')].map(e => e.id)")
            .await;
        let mut reached = Vec::new();
        for _ in 0..60 {
            browser.press("Tab", 9, "").await;
            reached.push(browser.eval("document.activeElement.id").await);
        }
        for control in controls.as_array().unwrap() {
            assert!(
                reached.contains(control),
                "{control} not reached with Tab at {width}x{height}"
            );
        }
        let path = screenshots().join(format!("dashboard-{width}x{height}.png"));
        browser.screenshot(&path).await;
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size > 10_000, "{} is only {size} bytes", path.display());
        println!("screenshot: {}", path.display());
        // The checks find what they look for: an unlabelled, low-contrast control.
        browser
            .eval(
                "(() => { const bad = document.createElement('input'); bad.id = 'planted'; \
                 bad.value = 'grey'; bad.style.color = '#bbbbbb'; \
                 document.querySelector('main').append(bad); return true; })()",
            )
            .await;
        let problems = browser.eval(include_str!("accessibility.js")).await;
        let problems: Vec<&str> = problems
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("no accessible name: input#planted"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("contrast 1.9"), "{problems:?}");
    }
}
