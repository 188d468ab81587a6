//! A small Chrome DevTools protocol client: starts headless Chromium (Debian's
//! `chromium`, or the program `CHROMIUM` names) with its own profile, and speaks to
//! one page over the browser's websocket. Just what the dashboard tests use:
//! navigation, script evaluation, window sizes, key presses and screenshots.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// A headless browser with one page open, killed (and its profile removed) on drop.
pub struct Browser {
    child: Child,
    socket: WebSocketStream<TcpStream>,
    session: String,
    next_id: u64,
    profile: PathBuf,
}

impl Browser {
    /// Starts Chromium and opens `url` in a page of `width`×`height` CSS pixels. Fails,
    /// saying how to install it, when there is no Chromium.
    pub async fn open(url: &str, width: u32, height: u32) -> Browser {
        let program = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
        let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "chromium-profile-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let mut child = Command::new(&program)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): the browser tests need Chromium \
                     (`apt-get install chromium`, or CHROMIUM=/path/to/chrome)"
                )
            });
        let endpoint = devtools_endpoint(&mut child).await;
        let authority = endpoint
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let stream = TcpStream::connect(&authority)
            .await
            .expect("connect to DevTools");
        let (socket, _) = tokio_tungstenite::client_async(endpoint.as_str(), stream)
            .await
            .expect("DevTools websocket handshake");
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            profile,
        };
        let target = browser
            .call("Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = browser
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        browser.resize(width, height).await;
        browser.call("Page.enable", json!({})).await;
        browser.call("Page.navigate", json!({ "url": url })).await;
        browser
    }

    /// One command (to the page once attached); its `result`, or a panic naming the
    /// protocol error.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send to DevTools");
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(20), self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("{method}: no answer from the browser in 20 s"))
                .expect("the DevTools socket closed")
                .expect("a DevTools frame");
            let Message::Text(text) = frame else { continue };
            let answer: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if answer["id"] != json!(id) {
                continue; // an event
            }
            if let Some(error) = answer.get("error") {
                panic!("{method}: {error}");
            }
            return answer["result"].clone();
        }
    }

    /// Evaluates `expression` in the page (awaiting a promise); its value as JSON.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        if let Some(thrown) = result.get("exceptionDetails") {
            panic!("{expression}: threw {thrown}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluates `condition` until it is `true`; how long that took, or a panic after
    /// `limit`.
    pub async fn wait_for(&mut self, condition: &str, limit: Duration) -> Duration {
        let started = std::time::Instant::now();
        loop {
            if self.eval(condition).await == json!(true) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "{condition} still not true after {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sets the viewport to `width`×`height` CSS pixels.
    pub async fn resize(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// Presses and releases one key (`Tab`, `Enter`, …) as a keyboard would; `text` is
    /// what it types (`"\r"` for Enter, nothing for Tab).
    pub async fn press(&mut self, key: &str, code: u32, text: &str) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({
                    "type": kind, "key": key, "code": key, "text": text,
                    "windowsVirtualKeyCode": code,
                }),
            )
            .await;
        }
    }

    /// A PNG of the viewport, written to `path`.
    pub async fn screenshot(&mut self, path: &Path) {
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 screenshot");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("screenshot folder");
        std::fs::write(path, png).expect("write the screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Reads Chromium's stderr until it says where DevTools listens.
async fn devtools_endpoint(child: &mut Child) -> String {
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut said = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                return Some(url.trim().to_owned());
            }
            said.push(line);
        }
        None
    })
    .await;
    match found {
        Ok(Some(url)) => {
            // Keep draining stderr so that Chromium never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            url
        }
        _ => panic!(
            "Chromium did not announce its DevTools endpoint; it said:\n{}",
            said.join("\n")
        ),
    }
}
