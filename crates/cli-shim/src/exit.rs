//! Failures and their exit codes: how an error ends the process.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | anything else |
//! | 2 | usage (bad arguments, missing configuration, a filter refused before sending) |
//! | 3 | pre-flight rejected the body; nothing was sent |
//! | 4 | not found |
//! | 5 | authentication failed |
//! | 6 | unavailable for now, try later: rate limited (a 429, the client-side limiter), retries exhausted (a 5xx kept coming), or the server could not be reached (refused, untrusted certificate, no answer, `--timeout` ran out) |
//! | 7 | a write (create, update) got no usable answer and may have been applied |
//! | 8 | `connectors diff` failed for a reason that exits 1 elsewhere (its 1 means "changes") |
//! | 9 | a plugin failed while checking a body (crashed, timed out, returned bad output, …): pre-flight could not judge it; nothing was sent. A plugin that cannot be loaded at all is 1 |

use std::error::Error as StdError;
use std::fmt;
use std::io::Write;

use connkit_connectors::{Error as ApiError, ErrorKind, ErrorMetadata};
use connkit_models::preflight::Finding;
use connkit_plugin_host::codes;
use connkit_transport::TransportError;

use crate::output::counted;
use crate::style::{self, Kind, Stream};
use crate::untrusted;

/// A boxed error that can cross threads.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The process exit codes connkit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: anything not listed below.
    Other = 1,
    /// 2: the command line (or the configuration it relies on) is wrong.
    Usage = 2,
    /// 3: pre-flight found an error; nothing was sent.
    Rejected = 3,
    /// 4: the connector (or other resource) does not exist.
    NotFound = 4,
    /// 5: authentication failed.
    Auth = 5,
    /// 6: unavailable for now: [`ErrorKind::RateLimited`],
    /// [`ErrorKind::RetriesExhausted`] or [`ErrorKind::Unreachable`].
    Unavailable = 6,
    /// 7: a write was sent, no usable answer came back, and it may have been applied.
    MaybeApplied = 7,
    /// 8: `connectors diff` failed for a reason that exits 1 elsewhere.
    DiffFailed = 8,
    /// 9: a plugin failed, so pre-flight could not judge the body (distinct from 3, a
    /// body found wrong). Wins over 3 when both happen: the verdict is incomplete.
    PluginFailed = 9,
}

impl Exit {
    /// The exit code for a client error of this kind.
    pub fn of(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::PreflightRejected => Exit::Rejected,
            ErrorKind::NotFound => Exit::NotFound,
            ErrorKind::Auth => Exit::Auth,
            ErrorKind::RateLimited | ErrorKind::RetriesExhausted | ErrorKind::Unreachable => {
                Exit::Unavailable
            }
            ErrorKind::MaybeApplied => Exit::MaybeApplied,
            ErrorKind::InvalidInput => Exit::Usage,
            _ => Exit::Other,
        }
    }
}

impl Exit {
    /// The exit code for pre-flight findings that stop a body: [`Exit::PluginFailed`]
    /// when a plugin failed, else [`Exit::Rejected`].
    pub fn of_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Exit {
        if plugin_failures(findings) > 0 {
            Exit::PluginFailed
        } else {
            Exit::Rejected
        }
    }
}

/// How many findings say that a plugin failed (rather than found a problem).
pub fn plugin_failures<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> usize {
    findings
        .into_iter()
        .filter(|f| codes::is_plugin_failure(&f.code))
        .count()
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Pre-flight findings with at least one error; `file` labels every line.
    Rejected {
        /// The file (or `-`) the body came from.
        file: String,
        /// Every finding, errors and the rest.
        findings: Vec<Finding>,
    },
    /// An exit code alone: the command already said what there was to say (e.g.
    /// `connectors diff` found changes).
    Quiet(Exit),
    /// Any other error, with the exit code it deserves and the service's trackingId.
    Error {
        /// The exit code.
        exit: Exit,
        /// The error and its chain of sources.
        error: BoxError,
        /// The service's trackingId, when the error came from a response.
        tracking_id: Option<String>,
    },
}

impl Failure {
    /// A usage error (exit 2) with a message for the user.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::plain(Exit::Usage, message)
    }

    /// An error with just a message.
    pub fn plain(exit: Exit, message: impl Into<String>) -> Self {
        Self::Error {
            exit,
            error: message.into().into(),
            tracking_id: None,
        }
    }

    /// An error with exit code 1 whose message is `context`, caused by `source`.
    pub fn context(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Error {
            exit: Exit::Other,
            error: Box::new(Context {
                message: context.into(),
                source: source.into(),
            }),
            tracking_id: None,
        }
    }

    /// An API error, classified: pre-flight findings are reported against `file`.
    pub fn api(error: ApiError, file: &str) -> Self {
        let exit = match error.kind() {
            ErrorKind::PreflightRejected => {
                return Failure::Rejected {
                    file: file.to_owned(),
                    findings: error.findings().to_vec(),
                }
            }
            kind => Exit::of(kind),
        };
        Failure::client(error, exit)
    }

    /// A client error of either API with `exit`, keeping the service's request id.
    pub fn client<E: ErrorMetadata + Send + Sync + 'static>(error: E, exit: Exit) -> Self {
        Failure::Error {
            exit,
            tracking_id: error.request_id().map(str::to_owned),
            error: Box::new(error),
        }
    }

    /// Puts `context` in front of the error, keeping its exit code and trackingId (a
    /// pre-flight rejection is left as it is).
    pub fn with_context(self, context: impl Into<String>) -> Self {
        match self {
            Failure::Error {
                exit,
                error,
                tracking_id,
            } => Failure::Error {
                exit,
                error: Box::new(Context {
                    message: context.into(),
                    source: error,
                }),
                tracking_id,
            },
            rejected => rejected,
        }
    }

    /// Writing results to stdout failed.
    pub fn write_failed(error: std::io::Error) -> Self {
        Self::context("writing output", error)
    }

    /// `true` when the reader of our output went away (`connkit … | head`): not worth
    /// an error message.
    pub fn is_broken_pipe(&self) -> bool {
        let Failure::Error { error, .. } = self else {
            return false;
        };
        let mut cause: Option<&(dyn StdError + 'static)> = Some(&**error);
        while let Some(e) = cause {
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            cause = e.source();
        }
        false
    }

    /// The exit code this failure ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Rejected { findings, .. } => Exit::of_findings(findings),
            Failure::Quiet(exit) | Failure::Error { exit, .. } => *exit,
        }
    }

    /// Writes the failure for a person: every finding, or the whole error chain and the
    /// trackingId.
    pub fn report(&self, out: &mut dyn Write, verbose: bool) -> std::io::Result<()> {
        match self {
            Failure::Rejected { file, findings } => {
                for finding in findings {
                    writeln!(out, "{}", finding_line(file, finding))?;
                }
                let errors = findings.iter().filter(|f| f.is_error()).count();
                let failed = plugin_failures(findings);
                if failed > 0 {
                    return writeln!(
                        out,
                        "{} {} failed on {file}, so pre-flight could not judge it; \
                         nothing was sent",
                        error_label(),
                        counted(failed, "plugin call", "plugin calls")
                    );
                }
                writeln!(
                    out,
                    "{} pre-flight rejected {file} ({}); nothing was sent",
                    error_label(),
                    counted(errors, "error", "errors")
                )
            }
            Failure::Quiet(_) => Ok(()),
            Failure::Error {
                error, tracking_id, ..
            } => {
                // Many errors repeat their source's text in their own message: print a
                // cause only when it adds something.
                // Messages carry servers' and plugins' text: escaped (`untrusted`).
                let mut printed = error.to_string();
                writeln!(out, "{} {}", error_label(), untrusted::escape(&printed))?;
                let mut hidden = false;
                for cause in causes(&**error, verbose, &mut hidden) {
                    let text = cause.to_string();
                    if !printed.contains(&text) {
                        writeln!(out, "  caused by: {}", untrusted::escape(&text))?;
                        printed.push('\n');
                        printed.push_str(&text);
                    }
                }
                if let Some(id) = tracking_id
                    .as_ref()
                    .filter(|id| !printed.contains(id.as_str()))
                {
                    writeln!(out, "  trackingId: {}", untrusted::escape(id))?;
                }
                if hidden {
                    writeln!(out, "  (-v shows every cause)")?;
                }
                if held_by_client_limiter(&**error) {
                    writeln!(
                        out,
                        "  hint: `connkit rate-limit status` shows what the limit shared by this \
                         client id learned, `connkit rate-limit reset` forgets it; \
                         `--rate-limit MAX/WINDOW` or `off` sets the limit for this run"
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// `error:`, red and bold when stderr gets colour.
fn error_label() -> String {
    style::paint(Stream::Stderr, Kind::Error, "error:")
}

/// The causes of `error` to print. `verbose`: every one. Otherwise connkit's own
/// causes (they say what connkit was doing) and then only the root cause: the layers
/// of an HTTP library in between (`client error (Connect)`, `tcp connect error`) say
/// nothing a user can act on. `hidden` is set when some were left out.
fn causes<'a>(
    error: &'a (dyn StdError + 'static),
    verbose: bool,
    hidden: &mut bool,
) -> Vec<&'a (dyn StdError + 'static)> {
    let chain: Vec<_> = std::iter::successors(error.source(), |&e| e.source()).collect();
    if verbose {
        return chain;
    }
    let ours = chain.iter().take_while(|e| is_connkits(**e)).count();
    if chain.len() <= ours + 1 {
        return chain;
    }
    *hidden = true;
    let mut shown = chain[..ours].to_vec();
    shown.extend(chain.last());
    shown
}

/// Whether `error` is one of connkit's own error types.
fn is_connkits(error: &(dyn StdError + 'static)) -> bool {
    error.is::<TransportError>()
        || error.is::<connkit_transport::LastAttempt>()
        || error.is::<connkit_transport::AuthProblem>()
        || error.is::<std::sync::Arc<TransportError>>()
        || error.is::<ApiError>()
        || error.is::<connkit_c1::Error>()
        || error.is::<Context>()
}

/// Whether the client's own limiter, not the server, stopped the request: no slot of
/// the shared limit opens before the deadline.
fn held_by_client_limiter(error: &(dyn StdError + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(TransportError::RateLimited { .. }) = e.downcast_ref::<TransportError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// `file:line:column: severity: code: message [validator]`, the compiler-style line for
/// a finding (the position is left out where the validator did not know it; the
/// validator, e.g. a plugin's name, where one is recorded). A finding's text may come
/// from a plugin or a server, so it is escaped for the terminal.
pub fn finding_line(file: &str, finding: &Finding) -> String {
    let line = if finding.line.is_some() {
        format!("{file}:{finding}")
    } else {
        format!("{file}: {finding}")
    };
    let line = match &finding.validator {
        Some(name) => format!("{line} [{name}]"),
        None => line,
    };
    untrusted::escape(&line).into_owned()
}

/// A ConductorOne client error with its exit code and `c1-trace-id`. A write that may
/// have been applied is the library's `MaybeApplied` (exit 7), as for ISC.
impl From<connkit_c1::Error> for Failure {
    fn from(error: connkit_c1::Error) -> Self {
        let exit = Exit::of(error.kind());
        Failure::client(error, exit)
    }
}

impl From<ApiError> for Failure {
    /// For operations without a body: a pre-flight rejection cannot happen there.
    fn from(error: ApiError) -> Self {
        Failure::api(error, "request body")
    }
}

/// A message wrapped around the error that caused it.
#[derive(Debug)]
struct Context {
    message: String,
    source: BoxError,
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for Context {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(failure: &Failure) -> String {
        let mut out = Vec::new();
        failure.report(&mut out, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// An HTTP library's layer: says nothing a user can act on.
    #[derive(Debug)]
    struct Layer(&'static str, std::io::Error);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn library_layers_between_connkits_causes_and_the_root_only_under_verbose() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let connect = TransportError::Connect {
            target: "127.0.0.1:9".into(),
            source: Box::new(Layer("client error (Connect)", refused)),
        };
        let failure = Failure::context("listing", connect);
        assert_eq!(
            report(&failure),
            "error: listing\n  caused by: could not connect to 127.0.0.1:9\n  \
             caused by: refused\n  (-v shows every cause)\n"
        );
        let mut verbose = Vec::new();
        failure.report(&mut verbose, true).unwrap();
        assert_eq!(
            String::from_utf8(verbose).unwrap(),
            "error: listing\n  caused by: could not connect to 127.0.0.1:9\n  \
             caused by: client error (Connect)\n  caused by: refused\n"
        );
    }

    #[test]
    fn context_prints_the_whole_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let failure = Failure::context("reading patch.json", io);
        assert_eq!(failure.exit(), Exit::Other);
        assert_eq!(
            report(&failure),
            "error: reading patch.json\n  caused by: no such file\n"
        );
    }

    #[test]
    fn causes_and_tracking_ids_are_not_repeated() {
        let io = std::io::Error::other("disk full");
        let failure = Failure::context("writing: disk full", io);
        assert_eq!(report(&failure), "error: writing: disk full\n");
        let failure = Failure::Error {
            exit: Exit::NotFound,
            error: "404 Not Found".into(),
            tracking_id: Some("abc123".into()),
        };
        assert_eq!(
            report(&failure),
            "error: 404 Not Found\n  trackingId: abc123\n"
        );
        let failure = Failure::Error {
            exit: Exit::NotFound,
            error: "404 Not Found (trackingId: abc123)".into(),
            tracking_id: Some("abc123".into()),
        };
        assert_eq!(
            report(&failure),
            "error: 404 Not Found (trackingId: abc123)\n"
        );
    }

    #[test]
    fn a_failed_plugin_is_exit_9_and_says_so() {
        let failure = Failure::Rejected {
            file: "cfg.xml".into(),
            findings: vec![
                Finding::error("xml.not-well-formed", "unexpected end").at(3, 7),
                Finding::error(codes::CRASHED, "plugin `rules` crashed: SIGSEGV")
                    .from_validator("rules"),
            ],
        };
        assert_eq!(failure.exit(), Exit::PluginFailed);
        assert_eq!(Exit::PluginFailed as u8, 9);
        assert_eq!(
            report(&failure),
            "cfg.xml:3:7: error: xml.not-well-formed: unexpected end\n\
             cfg.xml: error: plugin.crashed: plugin `rules` crashed: SIGSEGV [rules]\n\
             error: 1 plugin call failed on cfg.xml, so pre-flight could not judge it; \
             nothing was sent\n"
        );
    }

    #[test]
    fn rejection_prints_every_finding_with_the_file() {
        let failure = Failure::Rejected {
            file: "cfg.xml".into(),
            findings: vec![
                Finding::error("xml.not-well-formed", "unexpected end").at(3, 7),
                Finding::warning("xml.size", "large"),
            ],
        };
        assert_eq!(failure.exit(), Exit::Rejected);
        assert_eq!(
            report(&failure),
            "cfg.xml:3:7: error: xml.not-well-formed: unexpected end\n\
             cfg.xml: warning: xml.size: large\n\
             error: pre-flight rejected cfg.xml (1 error); nothing was sent\n"
        );
    }
}
