//! Trees as git can hand them over: symlinks out of the tree, FIFOs, `/dev/zero`, huge
//! files, look-alike names; and tenants whose connectors cannot share one tree. Each test
//! proves that nothing outside the tree was written, deleted or read.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use connkit_as_code::{pull, Error, FileFinding, PullOptions, ReadTree, Tree, MAX_DOCUMENT_BYTES};
use connkit_connectors::transport::{Transport, TransportError};
use connkit_connectors::Client;
use connkit_sandbox::Sandbox;

use crate::support::{add_custom_connectors, create_on, files, Tenant};

/// A tenant with `Acme 0` and `Acme 1`, pulled into `root/tree`; `root/elsewhere` is a
/// canary folder beside the tree.
async fn pulled(root: &Path) -> Tenant {
    let tenant = Tenant::new(0);
    add_custom_connectors(&tenant.client, 2).await;
    tenant.pull().await.write(&root.join("tree")).unwrap();
    let canary = root.join("elsewhere");
    fs::create_dir_all(canary.join("translations")).unwrap();
    fs::write(canary.join("keep.txt"), "canary\n").unwrap();
    fs::write(canary.join("translations/fr.properties"), "a=b\n").unwrap();
    fs::write(canary.join("secret.properties"), "client_secret=S3CRET\n").unwrap();
    tenant
}

/// `Tree::read` on another thread, so a read that blocks fails the test instead of
/// hanging it.
fn read_within(dir: &Path, limit: Duration) -> ReadTree {
    let (sender, receiver) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || sender.send(Tree::read(&dir)));
    receiver
        .recv_timeout(limit)
        .expect("Tree::read must not block")
        .expect("Tree::read")
}

/// The findings with `code`, by file.
fn with_code<'a>(findings: &'a [FileFinding], code: &str) -> Vec<&'a str> {
    findings
        .iter()
        .filter(|f| f.finding.code == code)
        .map(|f| f.file.as_str())
        .collect()
}

fn refused(result: connkit_as_code::Result<()>) -> Vec<FileFinding> {
    match result {
        Err(Error::Invalid(findings)) => findings,
        other => panic!("the write should be refused, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_connector_folder_linked_out_of_the_tree_is_refused_and_nothing_is_written_there() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    fs::remove_dir_all(tree.join("acme-0")).unwrap();
    symlink("../elsewhere", tree.join("acme-0")).unwrap();
    let canary = files(&root.path().join("elsewhere"));

    let findings = refused(tenant.pull().await.write(&tree));
    assert_eq!(
        with_code(&findings, "tree.symlink"),
        ["acme-0"],
        "{findings:?}"
    );
    assert_eq!(files(&root.path().join("elsewhere")), canary);
    assert!(fs::symlink_metadata(tree.join("acme-0"))
        .unwrap()
        .file_type()
        .is_symlink());

    let read = Tree::read(&tree).unwrap();
    assert_eq!(with_code(&read.findings, "tree.symlink"), ["acme-0"]);
    assert_eq!(read.tree.connectors.keys().collect::<Vec<_>>(), ["acme-1"]);
}

#[tokio::test(flavor = "current_thread")]
async fn translations_linked_elsewhere_are_never_deleted_through() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    fs::remove_dir_all(tree.join("acme-1/translations")).unwrap();
    symlink("../../elsewhere", tree.join("acme-1/translations")).unwrap();
    let canary = files(&root.path().join("elsewhere"));

    let findings = refused(tenant.pull().await.write(&tree));
    assert_eq!(
        with_code(&findings, "tree.symlink"),
        ["acme-1/translations"],
        "{findings:?}"
    );
    // secret.properties and the rest are still there, unchanged.
    assert_eq!(files(&root.path().join("elsewhere")), canary);
}

#[tokio::test(flavor = "current_thread")]
async fn a_translations_file_linked_to_credentials_is_never_read_or_uploaded() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    let link = tree.join("acme-0/translations/en.properties");
    // Pulled with the tenant's default English catalog: replaced by the link.
    let _ = fs::remove_file(&link);
    symlink(root.path().join("elsewhere/secret.properties"), &link).unwrap();

    let read = Tree::read(&tree).unwrap();
    assert_eq!(
        with_code(&read.findings, "tree.symlink"),
        ["acme-0/translations/en.properties"]
    );
    assert!(!read.tree.connectors["acme-0"]
        .translations
        .contains_key("en"));
    assert!(!format!("{read:?}").contains("S3CRET"));
    let plan = tenant.plan(&read.tree).await;
    let shown = serde_json::to_string(&plan).unwrap();
    assert!(
        !shown.contains("S3CRET") && !shown.contains("en.properties"),
        "{shown}"
    );
    assert!(!format!("{plan:?}").contains("S3CRET"));
    // A pull refuses to write into it, and the credentials file is untouched.
    refused(tenant.pull().await.write(&tree));
    assert_eq!(
        fs::read_to_string(root.path().join("elsewhere/secret.properties")).unwrap(),
        "client_secret=S3CRET\n"
    );
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[tokio::test(flavor = "current_thread")]
async fn fifos_and_a_link_to_dev_zero_are_refused_at_once() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    fs::remove_file(tree.join("acme-0/source-config.xml")).unwrap();
    mkfifo(&tree.join("acme-0/source-config.xml"));
    mkfifo(&tree.join("acme-1/translations/it.properties"));
    fs::remove_file(tree.join("acme-1/correlation-config.xml")).unwrap();
    symlink("/dev/zero", tree.join("acme-1/correlation-config.xml")).unwrap();

    let read = read_within(&tree, Duration::from_secs(20));
    assert_eq!(
        with_code(&read.findings, "tree.special-file"),
        [
            "acme-0/source-config.xml",
            "acme-1/translations/it.properties"
        ]
    );
    assert_eq!(
        with_code(&read.findings, "tree.symlink"),
        ["acme-1/correlation-config.xml"]
    );
    let acme1 = &read.tree.connectors["acme-1"];
    assert!(acme1.documents[2].is_none() && !acme1.translations.contains_key("it"));

    let findings = refused(tenant.pull().await.write(&tree));
    assert_eq!(findings.len(), 3, "{findings:?}");
}

/// Bytes this process has read through `read(2)` and friends, where the system says
/// (`rchar` of `/proc/self/io` on Linux).
fn bytes_read_by_this_process() -> Option<u64> {
    let io = fs::read_to_string("/proc/self/io").ok()?;
    let line = io.lines().find(|l| l.starts_with("rchar:"))?;
    line["rchar:".len()..].trim().parse().ok()
}

#[tokio::test(flavor = "current_thread")]
async fn files_over_their_limit_are_findings_with_size_and_limit_and_never_read_whole() {
    let root = tempfile::tempdir().unwrap();
    let _tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    // Sparse: 60 MB on the meter, no time or disk to write it.
    let big = fs::File::create(tree.join("acme-0/source-template.xml")).unwrap();
    big.set_len(60_000_000).unwrap();
    let json = fs::File::create(tree.join("acme-1/connector.json")).unwrap();
    json.set_len(2 * 1024 * 1024).unwrap();

    let before = bytes_read_by_this_process();
    let read = read_within(&tree, Duration::from_secs(20));
    if let (Some(before), Some(after)) = (before, bytes_read_by_this_process()) {
        // Other tests of this process read a little meanwhile; 60 MB it is not.
        assert!(
            after - before < MAX_DOCUMENT_BYTES,
            "read {} bytes",
            after - before
        );
    }
    let too_large: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.finding.code == "tree.too-large")
        .map(|f| format!("{}: {}", f.file, f.finding.message))
        .collect();
    assert_eq!(too_large.len(), 2, "{too_large:?}");
    assert!(
        too_large[0].starts_with("acme-0/source-template.xml: 60000000 bytes")
            && too_large[0].contains(&format!("limit of {MAX_DOCUMENT_BYTES} bytes")),
        "{too_large:?}"
    );
    assert!(
        too_large[1].starts_with("acme-1/connector.json: 2097152 bytes"),
        "{too_large:?}"
    );
    assert!(read.tree.connectors["acme-0"].documents[1].is_none());
    assert!(!read.tree.connectors.contains_key("acme-1"));
}

#[tokio::test(flavor = "current_thread")]
async fn folders_whose_names_are_one_connector_are_a_finding_naming_both() {
    let root = tempfile::tempdir().unwrap();
    let tree = root.path().join("tree");
    for (folder, name) in [
        ("cafe-composed", "Café"),
        ("cafe-decomposed", "Cafe\u{301}"),
        ("hr-lower", "acme hr"),
        ("hr-upper", "ACME HR"),
        ("other", "Other"),
    ] {
        fs::create_dir_all(tree.join(folder)).unwrap();
        let spec = serde_json::json!({"name": name, "className": "sailpoint.connector.OpenConnectorAdapter"});
        fs::write(tree.join(folder).join("connector.json"), spec.to_string()).unwrap();
    }
    let read = Tree::read(&tree).unwrap();
    let duplicates: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.finding.code == "tree.duplicate-name")
        .collect();
    assert_eq!(duplicates.len(), 2, "{:?}", read.findings);
    assert_eq!(duplicates[0].file, "cafe-decomposed/connector.json");
    let message = &duplicates[0].finding.message;
    assert!(
        message.contains("cafe-composed") && message.contains("\"Cafe\\u{301}\""),
        "{message}"
    );
    assert_eq!(duplicates[1].file, "hr-upper/connector.json");
    assert!(duplicates[1].finding.message.contains("folder hr-lower"));
}

#[tokio::test(flavor = "current_thread")]
async fn names_equal_after_normalisation_on_the_tenant_fail_the_pull_naming_both() {
    let tenant = Tenant::new(0);
    add_custom_connectors(&tenant.client, 1).await;
    for name in ["Café", "Cafe\u{301}"] {
        let spec = connkit_as_code::ConnectorSpec::parse(
            serde_json::json!({"name": name, "className": "sailpoint.connector.OpenConnectorAdapter"})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        create_on(&tenant.client, &connkit_as_code::ConnectorFiles::new(spec)).await;
    }
    let error = pull(&tenant.client, &PullOptions::default(), &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("\"Café\" (scriptName `caf`)")
            && error.contains("\"Cafe\\u{301}\" (scriptName `cafe`)"),
        "{error}"
    );
}

/// A tenant whose listing shows its first custom connector twice, the second time under
/// another name: two connectors claiming one `scriptName`, as a listing that shifts
/// between pages, or a broken gateway, can answer.
struct ListingWithAnImpostor(Sandbox);

#[async_trait]
impl Transport for ListingWithAnImpostor {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let listing =
            request.method() == http::Method::GET && request.uri().path().ends_with("/connectors");
        let response = self.0.send(request).await?;
        if !listing {
            return Ok(response);
        }
        let (parts, body) = response.into_parts();
        let mut listed: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
        let mut impostor = listed[0].clone();
        impostor["name"] = "Impostor".into();
        listed.push(impostor);
        Ok(http::Response::from_parts(
            parts,
            Bytes::from(serde_json::to_vec(&listed).unwrap()),
        ))
    }
}

#[tokio::test(flavor = "current_thread")]
async fn two_connectors_with_one_script_name_fail_the_pull_naming_both() {
    let sandbox = Sandbox::builder().seed(0).build().unwrap();
    let honest = Client::from_transport(sandbox.clone()).unwrap();
    add_custom_connectors(&honest, 1).await;
    let lying = Client::new(
        "http://127.0.0.1:1",
        std::sync::Arc::new(ListingWithAnImpostor(sandbox)),
    )
    .unwrap();
    let error = pull(&lying, &PullOptions::default(), &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("scriptName `acme-0`")
            && error.contains("\"Acme 0\"")
            && error.contains("\"Impostor\""),
        "{error}"
    );
}

/// The folders beside `root/tree` that pulls into it build in.
fn siblings(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tree.connkit-pull."))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_pull_keeps_what_it_does_not_own_and_clears_dead_pulls_leftovers() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    fs::create_dir_all(tree.join(".git/refs")).unwrap();
    fs::write(tree.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    symlink("HEAD", tree.join(".git/ORIG_HEAD")).unwrap();
    fs::write(tree.join("README.md"), "# connectors\n").unwrap();
    fs::create_dir_all(tree.join("_overlays")).unwrap();
    fs::write(tree.join("_overlays/prod.json"), "{}\n").unwrap();
    fs::write(tree.join("acme-0/NOTES.md"), "ours\n").unwrap();
    fs::write(tree.join("acme-0/translations/xx.properties"), "stale=1\n").unwrap();
    // A pull killed earlier (its process is gone), and one still running.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let mut running = Command::new("sleep").arg("30").spawn().unwrap();
    let dead_sibling = root
        .path()
        .join(format!(".tree.connkit-pull.{}-3", gone.id()));
    let live_sibling = root
        .path()
        .join(format!(".tree.connkit-pull.{}-0", running.id()));
    for sibling in [&dead_sibling, &live_sibling] {
        fs::create_dir_all(sibling.join("acme-0")).unwrap();
    }
    let mut expected = files(&tree);
    expected.remove("acme-0/translations/xx.properties");

    tenant.pull().await.write(&tree).unwrap();
    running.kill().unwrap();
    running.wait().unwrap();
    assert_eq!(files(&tree), expected);
    assert!(fs::symlink_metadata(tree.join(".git/ORIG_HEAD"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!dead_sibling.exists(), "a dead pull's leftover is removed");
    assert!(
        live_sibling.exists(),
        "a running pull's folder is left alone"
    );
    let siblings = siblings(root.path());
    assert_eq!(siblings.len(), 1, "{siblings:?}");
    assert!(Tree::read(&tree).unwrap().tree.connectors.len() == 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_name_that_is_not_utf8_is_a_finding_not_a_failed_read() {
    use std::os::unix::ffi::OsStrExt;
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    let name = std::ffi::OsStr::from_bytes(b"x\xff.properties");
    fs::write(tree.join("acme-0/translations").join(name), "a=b\n").unwrap();

    let read = Tree::read(&tree).unwrap();
    assert_eq!(
        with_code(&read.findings, "tree.file-name"),
        ["acme-0/translations/x\u{fffd}.properties"]
    );
    assert_eq!(read.tree.connectors.len(), 2);
    let findings = refused(tenant.pull().await.write(&tree));
    assert_eq!(with_code(&findings, "tree.file-name").len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_name_in_another_unicode_form_or_case_is_the_same_connector_to_the_plan() {
    let tenant = Tenant::new(0);
    let spec = |name: &str| {
        let json = serde_json::json!({"name": name, "className": "sailpoint.connector.OpenConnectorAdapter"});
        connkit_as_code::ConnectorSpec::parse(json.to_string().as_bytes()).unwrap()
    };
    for name in ["Café", "Ärzte"] {
        create_on(
            &tenant.client,
            &connkit_as_code::ConnectorFiles::new(spec(name)),
        )
        .await;
    }
    // The tree spells them as another system may: decomposed, upper case.
    let mut tree = Tree::default();
    for (folder, name) in [("caf", "Cafe\u{301}"), ("rzte", "ÄRZTE")] {
        let files = connkit_as_code::ConnectorFiles::new(spec(name));
        tree.connectors.insert(folder.to_owned(), files);
    }
    let plan = tenant.plan(&tree).await;
    let actions: Vec<_> = plan.connectors.iter().map(|c| c.action).collect();
    assert_eq!(actions, [connkit_as_code::Action::Unchanged; 2], "{plan:?}");
    tenant.sandbox.reset_stats();
    let report = tenant.push(&tree).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(
        tenant.writes(),
        Default::default(),
        "no look-alike is created"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn two_pulls_of_one_process_into_one_folder_leave_one_whole_tree() {
    let root = tempfile::tempdir().unwrap();
    let tenant = pulled(root.path()).await;
    let tree = root.path().join("tree");
    let first = tenant.pull().await;
    let mut second = first.clone();
    second.connectors.remove("acme-1");
    let written = |pulled: &Tree| {
        let dir = root.path().join("written");
        let _ = fs::remove_dir_all(&dir);
        pulled.write(&dir).unwrap();
        files(&dir)
    };
    let (one, other) = (written(&first), written(&second));
    fs::remove_dir_all(root.path().join("written")).unwrap();
    std::thread::scope(|scope| {
        for pulled in [&first, &second] {
            let tree = &tree;
            scope.spawn(move || {
                for _ in 0..5 {
                    pulled.write(tree).unwrap();
                }
            });
        }
    });
    let now = files(&tree);
    assert!(now == one || now == other, "{:?}", now.keys());
    assert_eq!(siblings(root.path()), Vec::<String>::new());
}
