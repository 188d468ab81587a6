//! Which operation a request is, by method and path: the stats key, and whether the
//! gate (auth, rate limit, faults) applies.

use http::Method;

/// What a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// One of the 13 API operations or the token endpoint, by `operationId`.
    Api(&'static str),
    /// `/__sandbox/*`: neither counted nor gated.
    Admin,
    /// Anything else (answered 404 or 405), counted as `unmatched`.
    Unmatched,
}

/// Classifies a request.
pub(crate) fn classify(method: &Method, path: &str) -> Target {
    if path.starts_with("/__sandbox/") {
        return Target::Admin;
    }
    if path == "/oauth/token" {
        return match *method {
            Method::POST => Target::Api("oauthToken"),
            _ => Target::Unmatched,
        };
    }
    let Some(rest) = path.strip_prefix("/v2024/connectors") else {
        return Target::Unmatched;
    };
    let segments: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else if let Some(rest) = rest.strip_prefix('/') {
        rest.split('/').collect()
    } else {
        return Target::Unmatched;
    };
    // HEAD is answered by the GET route, without a body.
    let method = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let id = match (segments.as_slice(), method) {
        ([], "GET") => "getConnectorList",
        ([], "POST") => "createCustomConnector",
        ([s], "GET") if !s.is_empty() => "getConnector",
        ([s], "DELETE") if !s.is_empty() => "deleteCustomConnector",
        ([s], "PATCH") if !s.is_empty() => "updateConnector",
        ([_, "source-config"], "GET") => "getConnectorSourceConfig",
        ([_, "source-config"], "PUT") => "putConnectorSourceConfig",
        ([_, "source-template"], "GET") => "getConnectorSourceTemplate",
        ([_, "source-template"], "PUT") => "putConnectorSourceTemplate",
        ([_, "correlation-config"], "GET") => "getConnectorCorrelationConfig",
        ([_, "correlation-config"], "PUT") => "putConnectorCorrelationConfig",
        ([_, "translations", _], "GET") => "getConnectorTranslations",
        ([_, "translations", _], "PUT") => "putConnectorTranslations",
        _ => return Target::Unmatched,
    };
    Target::Api(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_operation() {
        let cases = [
            "GET /v2024/connectors getConnectorList",
            "POST /v2024/connectors createCustomConnector",
            "GET /v2024/connectors/a getConnector",
            "DELETE /v2024/connectors/a deleteCustomConnector",
            "PATCH /v2024/connectors/a updateConnector",
            "PUT /v2024/connectors/a/source-config putConnectorSourceConfig",
            "GET /v2024/connectors/a/source-template getConnectorSourceTemplate",
            "GET /v2024/connectors/a/correlation-config getConnectorCorrelationConfig",
            "PUT /v2024/connectors/a/translations/de putConnectorTranslations",
            "POST /oauth/token oauthToken",
            "GET /__sandbox/stats admin",
            "PUT /v2024/connectors unmatched",
            "GET /v2024/connectorsX unmatched",
            "GET /v2024/connectors/ unmatched",
            "GET /v2024/connectors/a/b unmatched",
            "HEAD /v2024/connectors/a getConnector",
        ];
        for case in cases {
            let [method, path, expected] = case.split(' ').collect::<Vec<_>>()[..] else {
                panic!("bad case {case}");
            };
            let expected = match expected {
                "admin" => Target::Admin,
                "unmatched" => Target::Unmatched,
                id => Target::Api(id),
            };
            assert_eq!(
                classify(&method.parse().unwrap(), path),
                expected,
                "{method} {path}"
            );
        }
    }
}
