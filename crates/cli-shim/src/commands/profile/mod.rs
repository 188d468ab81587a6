//! `connkit profile list|show|add|remove|use`: named tenants in the profiles file
//! (`profiles.toml` in the config directory; see `connkit_transport::ProfileFile`).

pub mod args;

use std::path::{Path, PathBuf};

use connkit_transport::{Profile, ProfileFile, RateLimitPolicy, SecretSource, UserDir};
use serde::Serialize;

use crate::args::GlobalArgs;
use crate::exit::Failure;
use crate::output::{Row, Sink, PROFILE_KEY};
use crate::tenant::{no_user_dir, usage};
use args::ProfileCommand;
use args::{AddArgs, Name, OptionalName};

/// A profile as `list` and `show` print it: the secret's source, never the secret.
#[derive(Serialize)]
struct ProfileRow {
    name: String,
    default: bool,
    platform: String,
    base_url: Option<String>,
    client_id: Option<String>,
    secret: Option<String>,
    rate_limit: Option<String>,
    output: Option<String>,
    ca_cert: Option<String>,
}

impl ProfileRow {
    fn new(name: &str, profile: &Profile, file: &ProfileFile) -> Self {
        ProfileRow {
            name: name.to_owned(),
            default: file.default_name() == Some(name),
            platform: profile.platform.clone(),
            base_url: profile.base_url.clone(),
            client_id: profile.client_id.clone(),
            secret: profile.secret.as_ref().map(SecretSource::to_string),
            rate_limit: profile.rate_limit.map(|p| p.to_string()),
            output: profile.extra.get(PROFILE_KEY).cloned(),
            ca_cert: profile.ca_cert.as_ref().map(|p| p.display().to_string()),
        }
    }
}

impl Row for ProfileRow {
    const HEADERS: &'static [&'static str] = &["", "NAME", "PLATFORM", "BASE URL", "CLIENT ID"];
    fn cells(&self) -> Vec<String> {
        vec![
            if self.default { "*" } else { "" }.to_owned(),
            self.name.clone(),
            self.platform.clone(),
            self.base_url.clone().unwrap_or_default(),
            self.client_id.clone().unwrap_or_default(),
        ]
    }
}

/// Runs `connkit profile …`.
pub fn run(
    command: &ProfileCommand,
    global: &GlobalArgs,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    let path = ProfileFile::user_path().ok_or_else(|| no_user_dir(UserDir::Config, "profiles"))?;
    let mut file = ProfileFile::load(&path).map_err(usage)?;
    let note = |message: String| {
        if !global.quiet {
            eprintln!("{message}");
        }
    };
    match command {
        ProfileCommand::List => {
            let rows: Vec<ProfileRow> = file
                .profiles()
                .map(|(name, profile)| ProfileRow::new(name, profile, &file))
                .collect();
            if rows.is_empty() {
                note(format!(
                    "no profiles in {} (`connkit profile add` creates one)",
                    path.display()
                ));
            }
            sink.list(&rows)
        }
        ProfileCommand::Show(OptionalName { name }) => {
            let name = match name.as_deref().or(file.default_name()) {
                Some(name) => name.to_owned(),
                None => {
                    return Err(Failure::usage(format!(
                        "no profile named and no default profile in {}",
                        path.display()
                    )))
                }
            };
            let profile = file.require(&name).map_err(usage)?;
            let row = ProfileRow::new(&name, profile, &file);
            sink.object(&row)
        }
        ProfileCommand::Add(args) => {
            let profile = new_profile(args, global)?;
            let replaced = file.get(&args.name).is_some();
            file.set(&args.name, profile).map_err(usage)?;
            if args.make_default {
                file.set_default(&args.name).map_err(usage)?;
            }
            file.save().map_err(usage)?;
            let verb = if replaced { "replaced" } else { "added" };
            note(format!(
                "{verb} profile `{}` in {}",
                args.name,
                path.display()
            ));
            Ok(())
        }
        ProfileCommand::Remove(Name { name }) => {
            if !file.remove(name) {
                file.require(name).map_err(usage)?;
            }
            file.save().map_err(usage)?;
            note(format!("removed profile `{name}` from {}", path.display()));
            Ok(())
        }
        ProfileCommand::Use(Name { name }) => {
            file.set_default(name).map_err(usage)?;
            file.save().map_err(usage)?;
            note(format!("`{name}` is now the default profile"));
            Ok(())
        }
    }
}

/// The profile `profile add` describes. A client secret on the command line is refused:
/// it would land in the file in plain text (and in the shell's history).
fn new_profile(args: &AddArgs, global: &GlobalArgs) -> Result<Profile, Failure> {
    if global.client_secret.is_some() {
        return Err(Failure::usage(
            "profile add does not store --client-secret: use --secret-env VAR or \
             -- CMD ARGS… (a command that prints it), or put client_secret in the file by hand (mode 0600)",
        ));
    }
    let rate_limit = args
        .rate_limit
        .as_deref()
        .map(str::parse::<RateLimitPolicy>)
        .transpose()
        .map_err(|e| Failure::usage(format!("--rate-limit: {e}")))?;
    let mut profile = Profile::new(args.platform.clone());
    profile.base_url = global.base_url.clone();
    profile.client_id = global.client_id.clone();
    profile.secret = match (&args.secret_env, args.secret_command.is_empty()) {
        (Some(var), _) => Some(SecretSource::Env(var.clone())),
        (None, false) => Some(SecretSource::Command(args.secret_command.clone())),
        (None, true) => None,
    };
    profile.rate_limit = rate_limit;
    profile.ca_cert = global.ca_cert.as_deref().map(ca_cert).transpose()?;
    if let Some(format) = global
        .output
        .and_then(|o| clap::ValueEnum::to_possible_value(&o))
    {
        profile
            .extra
            .insert(PROFILE_KEY.to_owned(), format.get_name().to_owned());
    }
    Ok(profile)
}

/// The `--ca-cert` file a profile is to keep: checked now (it must hold a certificate)
/// and made absolute, so the profile works from any working directory.
fn ca_cert(file: &Path) -> Result<PathBuf, Failure> {
    crate::trust::backend(file, "--ca-cert")?;
    std::path::absolute(file)
        .map_err(|e| Failure::usage(format!("--ca-cert {}: {e}", file.display())))
}
