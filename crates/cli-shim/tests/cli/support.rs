//! Running the built `connkit` binary: an isolated environment per test, a served
//! sandbox child process that is always killed, a minimal HTTP GET for its stats, and
//! a loopback server with one canned answer for what the sandbox never answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_connkit");

/// A temporary home for one test: data directory and working directory, so no test
/// reads `./config.json`, the user's sandbox state or their `SAIL_*` variables.
pub struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// Starts `connkit sandbox serve --addr 127.0.0.1:0 EXTRA…` (not quiet), reads its
    /// stderr until a line contains `wanted`, stops it, and returns that line (empty
    /// when it ended without one).
    pub fn serve_until_said(&self, extra: &[&str], wanted: &str) -> String {
        let mut child = self
            .cmd(["sandbox", "serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn sandbox serve");
        let stderr = child.stderr.take().expect("stderr");
        let said = BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.contains(wanted));
        let _ = child.kill();
        let _ = child.wait();
        said.unwrap_or_default()
    }

    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The temporary directory (also the working directory of every command).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `name` in the temporary directory and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// `connkit ARGS…` with a clean environment.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.program(BIN);
        cmd.args(args);
        cmd
    }

    /// Any program with the same clean environment and working directory.
    pub fn program(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir.path())
            .env("CONNKIT_DATA_DIR", self.dir.path().join("data"))
            .env("CONNKIT_CACHE_DIR", self.dir.path().join("cache"))
            .env("CONNKIT_CONFIG_DIR", self.dir.path().join("config"))
            .env_remove("CONNKIT_PROFILE")
            .env_remove("CONNKIT_RATE_LIMIT")
            .env_remove("SAIL_BASE_URL")
            .env_remove("SAIL_CLIENT_ID")
            .env_remove("SAIL_CLIENT_SECRET")
            .env_remove("CONNKIT_TOKEN")
            .env_remove("CONNKIT_PLUGIN_PATH")
            .env_remove("CONDUCTORONE_ACCESS_TOKEN")
            .env_remove("CONDUCTORONE_CLIENT_ID")
            .env_remove("CONDUCTORONE_CLIENT_SECRET")
            .env_remove("CONDUCTORONE_SERVER_URL")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `connkit ARGS…` to completion.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Run::from(self.cmd(args).output().expect("run connkit"))
    }

    /// Runs `connkit ARGS…` with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn connkit");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
        Run::from(child.wait_with_output().expect("wait connkit"))
    }
}

/// A finished command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(self) -> Self {
        self.code(0)
    }

    /// stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A `connkit sandbox serve` child process; killed and reaped when dropped, also when
/// the test panics.
pub struct Served {
    child: Child,
    /// The base URL it printed as its first stdout line.
    pub base_url: String,
    /// The ConductorOne client id and secret it printed next.
    pub c1_credentials: (String, String),
}

impl Served {
    /// Starts `connkit sandbox serve --addr 127.0.0.1:0 EXTRA…` and waits for its URL.
    pub fn start(env: &Env, extra: &[&str]) -> Self {
        let mut child = env
            .cmd(["-q", "sandbox", "serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sandbox serve");
        let stdout = child.stdout.take().expect("stdout");
        // Guard first, so a failure below still kills the child.
        let mut served = Served {
            child,
            base_url: String::new(),
            c1_credentials: Default::default(),
        };
        let mut lines = BufReader::new(stdout).lines();
        let line = lines.next().and_then(Result::ok).unwrap_or_default();
        served.base_url = line.trim().to_owned();
        let mut value = |name: &str| {
            let text = lines.next().and_then(Result::ok).unwrap_or_default();
            text.strip_prefix(name).unwrap_or_default().to_owned()
        };
        served.c1_credentials = (
            value("CONDUCTORONE_CLIENT_ID="),
            value("CONDUCTORONE_CLIENT_SECRET="),
        );
        assert!(
            served.base_url.starts_with("http://127.0.0.1:"),
            "first line should be the base URL, got {line:?}"
        );
        served
    }

    /// `GET {root}/__sandbox/stats`, parsed.
    pub fn stats(&self) -> serde_json::Value {
        let rest = self
            .base_url
            .strip_prefix("http://")
            .expect("http base URL");
        let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
        let mut stream = TcpStream::connect(authority).expect("connect to sandbox");
        write!(
            stream,
            "GET /__sandbox/stats HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )
        .expect("send stats request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read stats");
        let (head, body) = response.split_once("\r\n\r\n").expect("HTTP response");
        assert!(head.starts_with("HTTP/1.1 200"), "stats answered {head}");
        serde_json::from_str(body).expect("stats JSON")
    }
}

#[cfg(unix)]
impl Served {
    /// Sends SIGTERM and waits (up to 10 s) for the server to exit; its exit code.
    pub fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait for sandbox") {
                return status.code();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None // still running: Drop kills it
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback HTTP/1.1 server answering every request with `200` and one JSON body,
/// whatever was asked (a list page at any offset included), recording the request lines.
pub struct CannedAnswer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl CannedAnswer {
    pub fn serve(body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        // The thread ends with the test process; each connection gets one answer.
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // Skip the headers (no request here has a body).
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                seen.lock()
                    .expect("lock")
                    .push(request_line.trim_end().to_owned());
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        CannedAnswer { base_url, requests }
    }

    /// The request lines received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }

    /// `connkit --base-url … --token t --retries 0 ARGS…` against this server.
    pub fn run(&self, env: &Env, args: &[&str]) -> Run {
        let mut all = vec![
            "--base-url",
            &self.base_url,
            "--token",
            "t",
            "--retries",
            "0",
        ];
        all.extend_from_slice(args);
        env.run(all)
    }
}
