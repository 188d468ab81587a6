//! `connkit sandbox requests`: the request journal of a served sandbox
//! (`GET /__sandbox/requests`), as a table or JSON; `--follow` polls for new entries
//! (by the id last seen, so none is shown twice or missed while the journal keeps it).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use connkit_sandbox::JournalEntry;
use connkit_transport::{HttpBackend, Transport};

use super::args::RequestsArgs;
use crate::exit::{Exit, Failure};
use crate::output::{OutputFormat, Row, Sink};

/// How often `--follow` asks for new entries.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

impl Row for JournalEntry {
    const HEADERS: &'static [&'static str] = &[
        "ID",
        "TIME",
        "API",
        "OPERATION",
        "METHOD",
        "PATH",
        "STATUS",
        "MS",
        "CLIENT",
        "FAULT",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            time_of_day(self.time_ms),
            self.api.clone(),
            self.operation.clone(),
            self.method.clone(),
            match &self.query {
                Some(query) => format!("{}?{query}", self.path),
                None => self.path.clone(),
            },
            self.status.map_or("reset".to_owned(), |s| s.to_string()),
            format!("{:.1}", self.latency_ms),
            self.client_id.clone().unwrap_or_default(),
            self.fault.clone().unwrap_or_default(),
        ]
    }
}

/// `HH:MM:SS.mmmZ` of a time in ms since the epoch (the journal's own order is by id).
fn time_of_day(time_ms: u64) -> String {
    let ms = time_ms % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Lists (or follows) the journal.
pub async fn run(args: &RequestsArgs, mut sink: Sink<'_>) -> Result<(), Failure> {
    let backend = HttpBackend::builder()
        .system_proxy(false)
        .build()
        .map_err(|e| Failure::context("building the HTTP client", e))?;
    let base = args.url.trim_end_matches('/');
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(operation) = &args.operation {
        query.append_pair("operation", operation);
    }
    if let Some(status) = args.status {
        query.append_pair("status", &status.to_string());
    }
    if let Some(client_id) = &args.client_id {
        query.append_pair("client_id", client_id);
    }
    if let Some(since) = args.since {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .saturating_sub(since.get());
        query.append_pair("since", &now.as_millis().to_string());
    }
    let query = query.finish();
    let entries = fetch(&backend, base, &query, None).await?;
    if !args.follow {
        return sink.list(&entries);
    }
    let mut last = entries.last().map(|e| e.id);
    print_lines(&mut sink, &entries)?;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        let entries = fetch(&backend, base, &query, last).await?;
        if let Some(entry) = entries.last() {
            last = Some(entry.id);
        }
        print_lines(&mut sink, &entries)?;
    }
}

/// `--follow`'s output: one table line per entry, or one JSON line.
fn print_lines(sink: &mut Sink<'_>, entries: &[JournalEntry]) -> Result<(), Failure> {
    for entry in entries {
        match sink.format {
            OutputFormat::Table => {
                writeln!(sink.out, "{}", entry.cells().join("  ")).map_err(Failure::write_failed)?
            }
            OutputFormat::Json | OutputFormat::Ndjson => {
                let line = serde_json::to_string(entry)
                    .map_err(|e| Failure::context("writing a journal entry", e))?;
                writeln!(sink.out, "{line}").map_err(Failure::write_failed)?;
            }
        }
    }
    sink.out.flush().map_err(Failure::write_failed)
}

/// One `GET /__sandbox/requests`, after the entry `after` when given.
async fn fetch(
    backend: &HttpBackend,
    base: &str,
    query: &str,
    after: Option<u64>,
) -> Result<Vec<JournalEntry>, Failure> {
    let mut query = query.to_owned();
    if let Some(after) = after {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("after={after}"));
    }
    let url = format!("{base}/__sandbox/requests?{query}");
    let request = http::Request::get(&url)
        .body(Bytes::new())
        .map_err(|e| Failure::usage(format!("--url {base}: not a URL: {e}")))?;
    let response = backend
        .send(request)
        .await
        .map_err(|e| Failure::context(format!("reaching the sandbox at {base}"), e))?;
    if !response.status().is_success() {
        return Err(Failure::plain(
            Exit::Other,
            format!(
                "{url} answered {}: {}",
                response.status(),
                String::from_utf8_lossy(response.body())
                    .chars()
                    .take(300)
                    .collect::<String>()
            ),
        ));
    }
    serde_json::from_slice(response.body()).map_err(|e| {
        Failure::context(
            format!("{url} did not answer a journal (is it a connkit sandbox?)"),
            e,
        )
    })
}
