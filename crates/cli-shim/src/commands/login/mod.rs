//! `connkit login`: creates a profile by asking for (or being given as flags) the
//! platform, the tenant's URL, the client id and where the secret comes from, makes
//! it the default, and checks it: a token, then one read call with it. A check that
//! fails leaves the profiles file as it was.

pub mod args;
mod prompt;

use connkit_connectors::prelude::ListConnectorsCall;
use connkit_transport::{
    check_profile_name, Profile, ProfileFile, Secret, SecretSource, UserDir, PLATFORM_C1,
    PLATFORM_ISC,
};

use crate::args::GlobalArgs;
use crate::connect::{self, Isc, Preflight, C1};
use crate::exit::Failure;
use crate::tenant::{no_user_dir, usage};
use args::LoginArgs;

/// The app id the ConductorOne check lists the connectors of: none has it, so an
/// authenticated client gets "not found", and a refused one an auth error.
const C1_PROBE_APP: &str = "connkit-login-check";

/// Runs `connkit login`.
pub fn run(args: &LoginArgs, global: &GlobalArgs) -> Result<(), Failure> {
    if global.client_secret.is_some() {
        return Err(Failure::usage(
            "login does not take --client-secret (it would stay in the shell's history): \
             use --secret-env VAR, --secret-command CMD, or --store-secret (read from stdin)",
        ));
    }
    let path = ProfileFile::user_path().ok_or_else(|| no_user_dir(UserDir::Config, "profiles"))?;
    let mut file = ProfileFile::load(&path).map_err(usage)?;
    let name = prompt::answer(args.name.clone(), "Profile name", Some("default"), "--name")?;
    check_profile_name(&name).map_err(usage)?;
    let platform = prompt::answer(
        args.platform.clone(),
        "Platform (isc or c1)",
        Some(PLATFORM_ISC),
        "--platform",
    )?;
    if platform != PLATFORM_ISC && platform != PLATFORM_C1 {
        return Err(Failure::usage(format!(
            "platform `{platform}`: expected {PLATFORM_ISC} or {PLATFORM_C1}"
        )));
    }
    let url = prompt::answer(
        args.url.clone().or_else(|| global.base_url.clone()),
        "Tenant URL",
        None,
        "--url",
    )?;
    let client_id = prompt::answer(global.client_id.clone(), "Client id", None, "--client-id")?;
    let mut profile = Profile::new(platform.clone());
    profile.base_url = Some(url.clone());
    profile.client_id = Some(client_id.clone());
    profile.secret = Some(secret_source(args)?);

    let replaced = file.get(&name).is_some();
    let before = path.exists().then(|| file.clone());
    file.set(&name, profile).map_err(usage)?;
    file.set_default(&name).map_err(usage)?;
    file.save().map_err(usage)?;
    let verb = if replaced { "replaced" } else { "saved" };
    let note = |message: String| {
        if !global.quiet {
            eprintln!("{message}");
        }
    };
    note(format!(
        "{verb} profile `{name}` ({platform}, {url}, client id {client_id}) in {}, as the default",
        path.display()
    ));
    if args.no_verify {
        note("not checked (--no-verify): `connkit whoami` shows what it resolves to".to_owned());
        return Ok(());
    }
    let mut with_profile = global.clone();
    with_profile.profile = Some(name.clone());
    (with_profile.base_url, with_profile.client_id) = (None, None);
    match verify(&platform, &with_profile) {
        Ok(checked) => {
            note(format!("checked: {checked}"));
            Ok(())
        }
        Err(failure) => {
            restore(&path, before)?;
            note(format!(
                "the check failed, so profile `{name}` was not kept{}",
                if replaced { " (the old one stays)" } else { "" }
            ));
            Err(failure)
        }
    }
}

/// Where the profile's secret comes from: a flag, else (on a terminal) the answer to
/// a question.
fn secret_source(args: &LoginArgs) -> Result<SecretSource, Failure> {
    if let Some(var) = &args.secret_env {
        return Ok(SecretSource::Env(var.clone()));
    }
    if let Some(command) = &args.secret_command {
        return command_source(command);
    }
    if args.store_secret {
        return Ok(SecretSource::Plain(Secret::new(prompt::secret()?)));
    }
    let how = prompt::answer(
        None,
        "Where does the client secret come from? env (a variable), command (a program \
         that prints it), or file (stored in the profiles file, mode 0600)",
        Some("env"),
        "--secret-env VAR, --secret-command CMD or --store-secret",
    )?;
    match how.as_str() {
        "env" => Ok(SecretSource::Env(prompt::answer(
            None,
            "Variable name",
            None,
            "--secret-env",
        )?)),
        "command" => command_source(&prompt::answer(
            None,
            "Command (no shell)",
            None,
            "--secret-command",
        )?),
        "file" => Ok(SecretSource::Plain(Secret::new(prompt::secret()?))),
        other => Err(Failure::usage(format!(
            "secret source `{other}`: expected env, command or file"
        ))),
    }
}

/// `command` split on whitespace, as a profile's `secret_command`.
fn command_source(command: &str) -> Result<SecretSource, Failure> {
    let argv: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if argv.is_empty() {
        return Err(Failure::usage("--secret-command: the command is empty"));
    }
    Ok(SecretSource::Command(argv))
}

/// Puts the profiles file back as it was before this login (`before`; `None` when there
/// was none).
fn restore(path: &std::path::Path, before: Option<ProfileFile>) -> Result<(), Failure> {
    match before {
        Some(file) => file.save().map_err(usage),
        None => std::fs::remove_file(path)
            .map_err(|e| Failure::context(format!("removing {}", path.display()), e)),
    }
}

/// Gets a token with the profile and makes one read call; what was checked, in words.
fn verify(platform: &str, global: &GlobalArgs) -> Result<String, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::context("starting the async runtime", e))?;
    runtime.block_on(async {
        if platform == PLATFORM_C1 {
            let (client, _) = connect::client::<C1>(global, Preflight::NotNeeded)?;
            match client.list_connectors(C1_PROBE_APP).send().await {
                Ok(_) => Ok("a token was issued and listing connectors succeeded".to_owned()),
                Err(e) if e.kind() == connkit_c1::ErrorKind::NotFound => Ok(format!(
                    "a token was issued and accepted (listing the connectors of app \
                     `{C1_PROBE_APP}` answered not found, as it should)"
                )),
                Err(e) => Err(e.into()),
            }
        } else {
            let (client, _) = connect::client::<Isc>(global, Preflight::NotNeeded)?;
            let page = client.list_connectors().limit(1).send().await?;
            Ok(format!(
                "a token was issued and GET /connectors?limit=1 answered with {}",
                crate::output::counted(page.items.len(), "connector", "connectors")
            ))
        }
    })
}
