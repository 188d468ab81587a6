//! [`Error`]: what can stop a pull, a plan or an apply, and [`FileFinding`]: a problem
//! in one file of a tree.

use std::fmt;
use std::path::PathBuf;

use connkit_models::preflight::Finding;
use serde::Serialize;

/// A problem found in one file of a tree, by the tree reader, the pre-flight validators
/// or the plan (a change the API cannot make).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFinding {
    /// The file, relative to the tree's folder, with `/` separators
    /// (`acme-hr/source-config.xml`).
    pub file: String,
    /// What is wrong and where in the file.
    #[serde(flatten)]
    pub finding: Finding,
}

impl FileFinding {
    /// A finding in `file`.
    pub fn new(file: impl Into<String>, finding: Finding) -> Self {
        Self {
            file: file.into(),
            finding,
        }
    }
}

impl fmt::Display for FileFinding {
    /// `file:line:column: severity: code: message`, the position left out when unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.finding.line.is_some() {
            write!(f, "{}:{}", self.file, self.finding)
        } else {
            write!(f, "{}: {}", self.file, self.finding)
        }
    }
}

/// Why a pull, plan or apply could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file of the tree failed.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done (`reading`, `writing`, …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The tree (or an overlay) has errors; nothing was sent.
    #[error("{} error(s) in the tree; nothing was sent", .0.iter().filter(|f| f.finding.is_error()).count())]
    Invalid(Vec<FileFinding>),
    /// A request failed.
    #[error("{context}")]
    Api {
        /// Which connector and what was being done.
        context: String,
        /// The client's error.
        #[source]
        source: connkit_connectors::Error,
    },
    /// A request to the ConductorOne API failed.
    #[error("{context}")]
    C1Api {
        /// Which connector and what was being done.
        context: String,
        /// The client's error (boxed: it is far larger than every other variant).
        #[source]
        source: Box<connkit_c1::Error>,
    },
    /// The service answered something a tree cannot hold (e.g. a connector without a
    /// name or class name).
    #[error("{0}")]
    Remote(String),
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn api(context: impl Into<String>, source: connkit_connectors::Error) -> Self {
        Error::Api {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn c1(context: impl Into<String>, source: connkit_c1::Error) -> Self {
        Error::C1Api {
            context: context.into(),
            source: Box::new(source),
        }
    }

    /// The ConductorOne client's error, when a request to that API failed.
    pub fn c1_error(&self) -> Option<&connkit_c1::Error> {
        match self {
            Error::C1Api { source, .. } => Some(&**source),
            _ => None,
        }
    }

    /// The ISC client's error, when a request failed (to classify it, e.g. for exit codes).
    pub fn api_error(&self) -> Option<&connkit_connectors::Error> {
        match self {
            Error::Api { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
