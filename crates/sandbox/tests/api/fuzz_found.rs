//! Inputs the fuzz targets in `fuzz/` found mishandled, kept as regressions.

use http::Method;
use serde_json::json;

use crate::harness::{Pair, Req};

/// fuzz/router: a token request whose multipart body ends early answered an
/// `ErrorResponseDto`, where every other refusal of `/oauth/token` is an OAuth 2.0
/// error (`{"error", "error_description"}`, RFC 6749 §5.2).
#[tokio::test]
async fn a_malformed_multipart_token_request_is_an_oauth_error() {
    let pair = Pair::seeded(1).await;
    let answer = pair
        .send(
            Req::new(Method::POST, "/oauth/token")
                .header("Content-Type", "multipart/form-data; boundary=XyZ")
                .body(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_",
                ),
        )
        .await;
    assert_eq!(answer.status, 400);
    let body = answer.json();
    assert_eq!(body["error"], json!("invalid_request"), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("malformed multipart body")),
        "{body}"
    );
}
