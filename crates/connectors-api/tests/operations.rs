//! Every operation against the sandbox, in-process and over real HTTP: success, 404
//! (or the operation's natural 400), and the exact request that left.

mod common;

use common::{path_and_query, Harness, Mode, MODES};
use connkit_connectors::prelude::*;
use connkit_connectors::{Error, ErrorKind};
use connkit_models::filter;
use connkit_models::isc::v2024::{Locale, UpdateStatus, V3CreateConnectorDto};

const CLASS: &str = "sailpoint.connector.OpenConnectorAdapter";

/// Creates a connector named `name` and returns its script name.
async fn create(h: &Harness, name: &str) -> String {
    h.client
        .create_connector(&V3CreateConnectorDto::new(name, CLASS))
        .send()
        .await
        .expect("create")
        .script_name
        .expect("scriptName")
}

fn header<'r>(r: &'r connkit_transport::test_util::RecordedRequest, name: &str) -> Option<&'r str> {
    r.header(name)
}

fn assert_not_found(err: &Error, mode: Mode, operation: &str, script: &str) {
    assert_eq!(err.kind(), ErrorKind::NotFound, "{mode:?}: {err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{operation}: 404 Not Found: connector `{script}` not found"
        )),
        "{mode:?}: {text}"
    );
    assert!(err.tracking_id().is_some(), "{mode:?}: {err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn list_encodes_the_query_and_the_server_agrees() {
    for mode in MODES {
        let h = Harness::new(mode, 5).await;
        let name = r#"Odd a #1 & 50% "q" +x"#;
        let script = create(&h, name).await;

        let page = h
            .client
            .list_connectors()
            .filter(filter::field("name").co(r##"#1 & 50% "q" +x"##))
            .limit(5)
            .offset(0)
            .count(true)
            .locale(Locale::No)
            .send()
            .await
            .expect("list");
        let r = h.last();
        assert_eq!(r.method, "GET");
        assert_eq!(
            path_and_query(&r),
            "/v2024/connectors?filters=name%20co%20%22%231%20%26%2050%25%20%5C%22q%5C%22%20%2Bx%22&limit=5&offset=0&count=true&locale=no",
            "{mode:?}"
        );
        assert_eq!(header(&r, "accept"), Some("application/json"));
        assert_eq!(header(&r, "content-type"), None);
        assert!(r.body.is_empty());
        assert_eq!(page.total, Some(1), "{mode:?}");
        assert_eq!(page.items.len(), 1, "{mode:?}");
        assert_eq!(page.items[0].script_name.as_deref(), Some(script.as_str()));
        assert_eq!(page.items[0].name.as_deref(), Some(name));

        // A typed-equivalent raw string is parsed and sent in canonical form.
        let page = h
            .client
            .list_connectors()
            .filter(r#"name sw "odd"   and  directConnect eq "true""#)
            .send()
            .await
            .expect("list raw");
        assert_eq!(
            path_and_query(&h.last()),
            "/v2024/connectors?filters=name%20sw%20%22odd%22%20and%20directConnect%20eq%20%22true%22"
        );
        assert_eq!(page.items.len(), 1, "{mode:?}");
        assert_eq!(page.total, None);
    }
}

#[tokio::test]
async fn option_setters_set_and_clear_like_their_twins() {
    let h = Harness::new(Mode::InProcess, 3).await;
    let (limit, locale): (Option<u32>, Option<Locale>) = (Some(2), Some(Locale::De));
    let page = h
        .client
        .list_connectors()
        .set_filter(Some(filter::field("name").sw("x").into()))
        .set_filter(None)
        .set_limit(limit)
        .set_offset(Some(1))
        .set_count(Some(true))
        .set_locale(locale)
        .send()
        .await
        .expect("list");
    assert_eq!(
        path_and_query(&h.last()),
        "/v2024/connectors?limit=2&offset=1&count=true&locale=de"
    );
    assert_eq!((page.items.len(), page.total), (2, Some(3)));

    // `None` clears what the plain setter set: nothing is left in the query.
    h.client
        .list_connectors()
        .limit(5)
        .set_limit(None)
        .offset(1)
        .set_offset(None)
        .count(true)
        .set_count(None)
        .locale(Locale::Fr)
        .set_locale(None)
        .send()
        .await
        .expect("list");
    assert_eq!(path_and_query(&h.last()), "/v2024/connectors");

    let script = create(&h, "Twins").await;
    // A deadline in the past: a listing requests no page after it; `None` lifts it.
    let past = std::time::Instant::now();
    let sent = h.sent().len();
    let err = h
        .client
        .list_connectors()
        .set_deadline(Some(past))
        .into_paginator()
        .try_collect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no usable response"), "{err}");
    assert_eq!(h.sent().len(), sent);
    let all = h
        .client
        .list_connectors()
        .deadline(past)
        .set_deadline(None)
        .into_paginator()
        .try_collect()
        .await
        .expect("no deadline");
    assert_eq!(all.len(), 4);
    h.client
        .get_connector(&script)
        .set_locale(Some(Locale::Ja))
        .send()
        .await
        .expect("get");
    assert_eq!(
        path_and_query(&h.last()),
        format!("/v2024/connectors/{script}?locale=ja")
    );
}

#[tokio::test]
async fn a_bad_filter_is_refused_locally_and_the_server_agrees() {
    for mode in MODES {
        let h = Harness::new(mode, 3).await;
        for (i, bad) in [
            r#"name eq "x""#,
            r#"owner co "x""#,
            r#"directConnect sw "t""#,
        ]
        .into_iter()
        .enumerate()
        {
            let err = h
                .client
                .list_connectors()
                .filter(bad)
                .send()
                .await
                .unwrap_err();
            assert!(matches!(err, Error::FilterNotAllowed(_)), "{err:?}");
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert_eq!(h.sent().len(), i, "{mode:?}: refused filter was sent");

            let err = h
                .client
                .list_connectors()
                .unchecked_filter(bad)
                .send()
                .await
                .unwrap_err();
            let service = err.as_service().expect("a service error");
            assert_eq!(service.status, 400, "{mode:?} {bad}");
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert!(service.tracking_id.is_some());
            assert!(!service.messages.is_empty(), "{service:?}");
        }
        let sent = h.sent();
        assert_eq!(sent.len(), 3);
        assert_eq!(
            path_and_query(&sent[0]),
            "/v2024/connectors?filters=name%20eq%20%22x%22"
        );

        let err = h
            .client
            .list_connectors()
            .filter("name sw")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidFilter(_)), "{err:?}");
        let err = h
            .client
            .list_connectors()
            .limit(251)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(h.sent().len(), 3, "nothing more was sent");
    }
}

#[tokio::test]
async fn create_get_delete() {
    for mode in MODES {
        let h = Harness::new(mode, 2).await;
        let mut dto = V3CreateConnectorDto::new("My Conn (EU)", CLASS);
        dto.direct_connect = Some(false);
        let created = h
            .client
            .create_connector(&dto)
            .send()
            .await
            .expect("create");
        assert_eq!(created.script_name.as_deref(), Some("my-conn-eu"));
        assert_eq!(created.direct_connect, Some(false));
        let r = h.last();
        assert_eq!(
            (r.method.as_str(), path_and_query(&r).as_str()),
            ("POST", "/v2024/connectors")
        );
        assert_eq!(header(&r, "content-type"), Some("application/json"));
        assert_eq!(header(&r, "accept"), Some("application/json"));
        assert_eq!(
            r.body_str(),
            Some(
                r#"{"name":"My Conn (EU)","className":"sailpoint.connector.OpenConnectorAdapter","directConnect":false}"#
            )
        );

        // The service's own 400 on a duplicate name.
        let err = h.client.create_connector(&dto).send().await.unwrap_err();
        assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST), "{err:?}");

        let detail = h
            .client
            .get_connector("my-conn-eu")
            .locale(Locale::ZhCn)
            .send()
            .await
            .expect("get");
        assert_eq!(detail.name.as_deref(), Some("My Conn (EU)"));
        let r = h.last();
        assert_eq!(
            path_and_query(&r),
            "/v2024/connectors/my-conn-eu?locale=zh-CN"
        );
        assert_eq!(r.method, "GET");

        h.client
            .delete_connector("my-conn-eu")
            .send()
            .await
            .expect("delete");
        let r = h.last();
        assert_eq!(
            (r.method.as_str(), path_and_query(&r).as_str()),
            ("DELETE", "/v2024/connectors/my-conn-eu")
        );
        assert!(r.body.is_empty());

        let err = h
            .client
            .get_connector("my-conn-eu")
            .send()
            .await
            .unwrap_err();
        assert_not_found(&err, mode, "getConnector", "my-conn-eu");
        let err = h
            .client
            .delete_connector("my-conn-eu")
            .send()
            .await
            .unwrap_err();
        assert_not_found(&err, mode, "deleteCustomConnector", "my-conn-eu");

        // Path segments are encoded and decoded back by the server.
        let odd = "a b/c#d%e&f?";
        let err = h.client.get_connector(odd).send().await.unwrap_err();
        assert_eq!(
            path_and_query(&h.last()),
            "/v2024/connectors/a%20b%2Fc%23d%25e%26f%3F"
        );
        assert_not_found(&err, mode, "getConnector", odd);
    }
}

#[tokio::test]
async fn update_sends_a_json_patch() {
    for mode in MODES {
        let h = Harness::new(mode, 1).await;
        let script = create(&h, "Patched").await;
        let detail = h
            .client
            .update_connector(&script)
            .replace_source_config_xml("<sourceConfig a=\"1\"/>")
            .set_metadata("ui/hint", "yes")
            .send()
            .await
            .expect("update");
        assert_eq!(
            detail.source_config_xml.as_deref(),
            Some("<sourceConfig a=\"1\"/>")
        );
        assert_eq!(
            detail.connector_metadata.expect("metadata")["ui/hint"],
            "yes"
        );
        let r = h.last();
        assert_eq!(r.method, "PATCH");
        assert_eq!(path_and_query(&r), "/v2024/connectors/patched");
        assert_eq!(
            header(&r, "content-type"),
            Some("application/json-patch+json")
        );
        assert_eq!(
            r.body_str(),
            Some(
                r#"[{"op":"replace","path":"/sourceConfigXml","value":"<sourceConfig a=\"1\"/>"},{"op":"add","path":"/connectorMetadata/ui~1hint","value":"yes"}]"#
            )
        );

        let raw = "[{\"op\":\"remove\",\"path\":\"/connectorMetadata/ui~1hint\"}]\n";
        let detail = h
            .client
            .update_connector_json(&script, raw)
            .send()
            .await
            .expect("raw patch");
        assert!(detail.connector_metadata.unwrap_or_default().is_empty());
        assert_eq!(h.last().body_str(), Some(raw));

        let err = h
            .client
            .update_connector("nobody")
            .set_metadata("k", 1)
            .send()
            .await
            .unwrap_err();
        assert_not_found(&err, mode, "updateConnector", "nobody");
    }
}

#[tokio::test]
async fn xml_documents_round_trip_verbatim_as_multipart() {
    for mode in MODES {
        let h = Harness::new(mode, 1).await;
        let script = create(&h, "Docs").await;
        for (i, (get, put, segment)) in [
            (
                "getConnectorSourceConfig",
                "putConnectorSourceConfig",
                "source-config",
            ),
            (
                "getConnectorSourceTemplate",
                "putConnectorSourceTemplate",
                "source-template",
            ),
            (
                "getConnectorCorrelationConfig",
                "putConnectorCorrelationConfig",
                "correlation-config",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let xml = format!("<?xml version=\"1.0\"?>\r\n<doc n=\"{i}\">Grüße &amp; €</doc>\n");
            let builder = match segment {
                "source-config" => h.client.put_source_config(&script),
                "source-template" => h.client.put_source_template(&script),
                _ => h.client.put_correlation_config(&script),
            };
            let detail = builder.xml(xml.clone()).send().await.expect(put);
            assert_eq!(detail.status, Some(UpdateStatus::Updated), "{mode:?} {put}");

            let r = h.last();
            assert_eq!(r.method, "PUT");
            assert_eq!(
                path_and_query(&r),
                format!("/v2024/connectors/docs/{segment}")
            );
            assert_eq!(header(&r, "accept"), Some("application/json"));
            assert_eq!(
                header(&r, "content-type"),
                Some("multipart/form-data; boundary=connkit-boundary-0")
            );
            assert_eq!(
                r.body_str().expect("utf-8 body"),
                format!(
                    "--connkit-boundary-0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{segment}.xml\"\r\nContent-Type: application/xml\r\n\r\n{xml}\r\n--connkit-boundary-0--\r\n"
                )
            );

            let got = match segment {
                "source-config" => h.client.get_source_config(&script),
                "source-template" => h.client.get_source_template(&script),
                _ => h.client.get_correlation_config(&script),
            }
            .send()
            .await
            .expect(get);
            assert_eq!(&got[..], xml.as_bytes(), "{mode:?} {get}: not verbatim");
            let r = h.last();
            assert_eq!(
                path_and_query(&r),
                format!("/v2024/connectors/docs/{segment}")
            );
            assert_eq!(
                header(&r, "accept"),
                Some("application/xml, application/json")
            );

            let err = match segment {
                "source-config" => h.client.get_source_config("ghost"),
                "source-template" => h.client.get_source_template("ghost"),
                _ => h.client.get_correlation_config("ghost"),
            }
            .send()
            .await
            .unwrap_err();
            assert_not_found(&err, mode, get, "ghost");
            let err = h
                .client
                .put_document("ghost", connkit_connectors::ops::Document::ALL[i])
                .xml("<a/>")
                .send()
                .await
                .unwrap_err();
            assert_not_found(&err, mode, put, "ghost");
        }
    }
}

#[tokio::test]
async fn uploads_from_a_file_keep_its_name() {
    let dir = std::env::temp_dir().join(format!("connkit-connectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("my \"config\".xml");
    std::fs::write(&path, "<fromFile/>").expect("write");
    for mode in MODES {
        let h = Harness::new(mode, 1).await;
        let script = create(&h, "Files").await;
        h.client
            .put_source_config(&script)
            .file(&path)
            .send()
            .await
            .expect("put from file");
        let body = h.last().body_str().expect("utf-8").to_owned();
        assert!(body.contains("filename=\"my %22config%22.xml\"\r\nContent-Type: application/xml\r\n\r\n<fromFile/>\r\n"), "{body}");
        let got = h
            .client
            .get_source_config(&script)
            .send()
            .await
            .expect("get");
        assert_eq!(&got[..], b"<fromFile/>");

        let before = h.sent().len();
        let err = h
            .client
            .put_source_config(&script)
            .file(dir.join("missing.xml"))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(h.sent().len(), before);
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[tokio::test]
async fn an_update_detail_with_status_error_is_an_error() {
    for mode in MODES {
        let sandbox = connkit_sandbox::Sandbox::builder()
            .seed(0)
            .build()
            .expect("sandbox");
        // Without pre-flight, an empty document reaches the service, which answers
        // 200 with status ERROR.
        let h = Harness::with_sandbox(mode, sandbox, |b| b.no_preflight()).await;
        let script = create(&h, "Empty").await;
        let err = h
            .client
            .put_source_template(&script)
            .xml("")
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::UpdateFailed {
                operation,
                script_name,
                detail,
                ..
            } => {
                assert_eq!(*operation, "putConnectorSourceTemplate");
                assert_eq!(script_name, "empty");
                assert!(
                    detail.message.as_deref().is_some_and(|m| !m.is_empty()),
                    "{detail:?}"
                );
            }
            other => panic!("{mode:?}: {other:?}"),
        }
        assert_eq!(err.status(), Some(http::StatusCode::OK));
        assert!(err.to_string().contains("reported status ERROR"), "{err}");
    }
}

#[tokio::test]
async fn translations_round_trip_and_content_is_optional() {
    for mode in MODES {
        let h = Harness::new(mode, 1).await;
        let script = create(&h, "Words").await;
        let text = "# Deutsch\r\ngreeting=Grüß dich\nescaped=\\u00e9\n";
        let detail = h
            .client
            .put_translations(&script, Locale::De)
            .text(text)
            .send()
            .await
            .expect("put translations");
        assert_eq!(detail.status, Some(UpdateStatus::Updated));
        let r = h.last();
        assert_eq!(
            path_and_query(&r),
            "/v2024/connectors/words/translations/de"
        );
        assert_eq!(
            r.body_str().expect("utf-8"),
            format!("--connkit-boundary-0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"de.properties\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--connkit-boundary-0--\r\n")
        );

        let got = h
            .client
            .get_translations(&script, Locale::De)
            .send()
            .await
            .expect("get translations");
        assert_eq!(got, text, "{mode:?}: not verbatim");
        let r = h.last();
        assert_eq!(
            path_and_query(&r),
            "/v2024/connectors/words/translations/de"
        );
        assert_eq!(header(&r, "accept"), Some("text/plain, application/json"));

        let detail = h
            .client
            .put_translations(&script, Locale::De)
            .send()
            .await
            .expect("put without content");
        assert_eq!(detail.status, Some(UpdateStatus::Unchanged));
        let r = h.last();
        assert!(r.body.is_empty());
        assert_eq!(header(&r, "content-type"), None);
        assert_eq!(
            h.client
                .get_translations(&script, Locale::De)
                .send()
                .await
                .expect("get"),
            text
        );

        let err = h
            .client
            .get_translations("ghost", Locale::No)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            path_and_query(&h.last()),
            "/v2024/connectors/ghost/translations/no"
        );
        assert_not_found(&err, mode, "getConnectorTranslations", "ghost");
        let err = h
            .client
            .put_translations("ghost", Locale::En)
            .text("a=b")
            .send()
            .await
            .unwrap_err();
        assert_not_found(&err, mode, "putConnectorTranslations", "ghost");
    }
}

#[tokio::test]
async fn the_sandbox_counted_what_the_recorder_saw() {
    for mode in MODES {
        let h = Harness::new(mode, 4).await;
        h.client.list_connectors().send().await.expect("list");
        h.client.get_connector("ghost").send().await.unwrap_err();
        let stats = h.stats().await;
        assert_eq!(stats.total, h.sent().len() as u64, "{mode:?}");
        assert_eq!(stats.by_operation.get("getConnectorList"), Some(&1));
        assert_eq!(stats.by_operation.get("getConnector"), Some(&1));
    }
}
