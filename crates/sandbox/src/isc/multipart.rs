//! `multipart/form-data` bodies of the PUT operations: every part, whatever its own
//! content type, parsed with `multer`.

use std::convert::Infallible;

use bytes::Bytes;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The form field name (`file` for uploads).
    pub(crate) name: Option<String>,
    /// The part's bytes, unchanged.
    pub(crate) bytes: Bytes,
}

/// `true` when `content_type` names a multipart/form-data body.
pub(crate) fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
    })
}

/// Every part of a `multipart/form-data` body, or why it is not one.
pub(crate) async fn parts(content_type: Option<&str>, body: Bytes) -> Result<Vec<Part>, String> {
    let content_type = content_type
        .filter(|ct| is_multipart(Some(ct)))
        .ok_or("the body must be multipart/form-data with a part named 'file'")?;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("bad multipart Content-Type: {e}"))?;
    let stream = futures::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().map(str::to_owned);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| format!("malformed multipart body: {e}"))?;
                out.push(Part { name, bytes });
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(format!("malformed multipart body: {e}")),
        }
    }
}

/// The part named `file`, `None` without one; more than one is refused, as keeping
/// either would silently drop the other.
pub(crate) fn file_part(parts: Vec<Part>) -> Result<Option<Bytes>, String> {
    let mut files = parts
        .into_iter()
        .filter(|p| p.name.as_deref() == Some("file"));
    let first = files.next();
    let more = files.count();
    if more > 0 {
        return Err(format!(
            "the multipart body has {} parts named 'file'; send exactly one",
            more + 1
        ));
    }
    Ok(first.map(|p| p.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parts_keep_bytes_and_any_part_content_type() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xml\"\r\n\
              Content-Type: application/octet-stream\r\n\r\n<a>\r\n</a>\r\n--XyZ--\r\n",
        );
        let parts = parts(Some("multipart/form-data; boundary=XyZ"), body)
            .await
            .unwrap();
        assert_eq!(
            file_part(parts),
            Ok(Some(Bytes::from_static(b"<a>\r\n</a>")))
        );
    }

    #[tokio::test]
    async fn two_file_parts_are_refused() {
        let part = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n<a/>\r\n";
        let body = Bytes::from(format!("{part}{part}--XyZ--\r\n"));
        let parts = parts(Some("multipart/form-data; boundary=XyZ"), body)
            .await
            .unwrap();
        assert_eq!(
            file_part(parts),
            Err("the multipart body has 2 parts named 'file'; send exactly one".to_owned())
        );
    }

    #[tokio::test]
    async fn bad_bodies_are_reported() {
        assert!(parts(Some("text/plain"), Bytes::new()).await.is_err());
        assert!(parts(Some("multipart/form-data"), Bytes::new())
            .await
            .is_err());
        let truncated = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc",
        );
        assert!(parts(Some("multipart/form-data; boundary=XyZ"), truncated)
            .await
            .is_err());
    }
}
