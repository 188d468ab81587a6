//! The multipart PUTs: [`PutFile`] uploads one file as the `file` part to an
//! [`UploadTarget`] (one of the three XML documents, or the translations of a locale).

use std::path::Path;

use bytes::Bytes;
use connkit_models::isc::v2024::UpdateDetail;
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use crate::multipart::{encode_file, FilePart};
use connkit_client::RequestSpec;

use crate::operation::{decode_update, BuildOn, Operation};

/// Where a [`PutFile`] uploads to, and how.
pub trait UploadTarget {
    /// The spec's `operationId` of the PUT.
    fn operation_id(&self) -> &'static str;

    /// The route below the API root for the connector `script_name`.
    fn path(&self, script_name: &str) -> Result<String>;

    /// The pre-flight kind of the uploaded content.
    fn body_kind(&self) -> BodyKind;

    /// The media type of the part (`application/xml`, `text/plain`).
    fn content_type(&self) -> &'static str;

    /// The filename used when the content is not read from a file.
    fn default_filename(&self) -> String;

    /// `true` when the spec requires content; without it, an empty body is sent.
    fn requires_content(&self) -> bool;
}

/// `PUT /connectors/{scriptName}/…` with a `multipart/form-data` body whose `file` part
/// holds the content, verbatim. The content goes through pre-flight first; an
/// `UpdateDetail` with status `ERROR` is an [`Error::UpdateFailed`]. See
/// [`PutDocument`](crate::ops::PutDocument) and
/// [`PutTranslations`](crate::ops::PutTranslations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutFile<T> {
    /// The connector's script name.
    pub script_name: String,
    /// What is replaced.
    pub target: T,
    /// The file to upload.
    pub file: Option<FilePart>,
}

impl<T: UploadTarget> PutFile<T> {
    /// An upload to `target` of the connector `script_name`, with no content yet.
    pub fn to(script_name: impl Into<String>, target: T) -> Self {
        PutFile {
            script_name: script_name.into(),
            target,
            file: None,
        }
    }

    /// Uses `content` (bytes or text), sent verbatim, under the default filename.
    pub fn set_content(&mut self, content: Bytes) {
        let part = FilePart::new(
            self.target.default_filename(),
            self.target.content_type(),
            content,
        );
        self.file = Some(part);
    }

    /// [`set_content`](PutFile::set_content), builder style.
    pub fn with_content(mut self, content: impl Into<Bytes>) -> Self {
        self.set_content(content.into());
        self
    }

    /// Reads the content from `path` (blocking) and names the part after the file.
    pub fn set_path(&mut self, path: &Path) -> Result<()> {
        let data = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.target.default_filename());
        self.file = Some(FilePart::new(
            filename,
            self.target.content_type(),
            Bytes::from(data),
        ));
        Ok(())
    }
}

impl<T: UploadTarget> Operation for PutFile<T> {
    type Output = UpdateDetail;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        self.target.operation_id()
    }

    fn preflight_body<'a>(
        &'a self,
        _request: &'a http::Request<Bytes>,
    ) -> Option<(BodyKind, &'a [u8])> {
        self.file
            .as_ref()
            .map(|f| (self.target.body_kind(), &f.data[..]))
    }

    /// With a file: a `multipart/form-data` body holding it. Without one: an empty body
    /// and no `Content-Type` (what the official clients send for translations without
    /// content), or an error when the target requires content.
    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = self.target.path(&self.script_name)?;
        let spec = RequestSpec::new(Method::PUT, path, "application/json");
        match &self.file {
            Some(file) => {
                let form = encode_file(file);
                spec.body(form.content_type, form.body).build_on(base)
            }
            None if self.target.requires_content() => Err(Error::invalid_input(format!(
                "{}: no content to upload",
                self.operation_id()
            ))),
            None => spec.build_on(base),
        }
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        decode_update(self.operation_id(), &self.script_name, response)
    }
}
