//! `crackdown org|user|community|token`: tenancy administration.

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_model::{Keyword, Role};

use crate::cli::{CommunityCommand, Global, OrgCommand, TokenCommand, UserCommand};
use crate::context::{open_store, print_json, viewer};

pub fn org(global: &Global, command: OrgCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        OrgCommand::Add { name, vouches_publicly } => {
            let org = store.create_org(&viewer, &name, Utc::now())?;
            if vouches_publicly {
                store.set_org_vouches_publicly(&viewer, &name, true, Utc::now())?;
            }
            println!("organisation {} created (id {})", org.name, org.id);
        }
        OrgCommand::Set { name, vouches_publicly } => {
            store.set_org_vouches_publicly(&viewer, &name, vouches_publicly, Utc::now())?;
            let answer = if vouches_publicly { "now vouches" } else { "no longer vouches" };
            println!("organisation {name} {answer} for values in the public lookup");
        }
        OrgCommand::List { json } => {
            let orgs = store.orgs(&viewer)?;
            if json {
                print_json(&orgs)?;
            } else {
                for org in orgs {
                    println!("{:<5} {}{}", org.id, org.name, if org.operator { " (operator)" } else { "" });
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn user(global: &Global, command: UserCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        UserCommand::Add { name, org, role } => {
            let role = Role::parse_keyword(&role)
                .with_context(|| format!("--role {role:?} is not one of {}", Role::expected()))?;
            let user = store.create_user(&viewer, &org, &name, role, Utc::now())?;
            println!("user {} ({}) created in {}", user.name, user.role, user.org);
            println!("hint: `crackdown token create --user {}` gives them an API token", user.name);
        }
        UserCommand::List { json } => {
            let users = store.users(&viewer)?;
            if json {
                print_json(&users)?;
            } else {
                for user in users {
                    println!("{:<5} {:<24} {:<9} {}", user.id, user.name, user.role, user.org);
                }
            }
        }
        UserCommand::SigninLink { name, public_url } => {
            let base = crate::context::signin_base_url(global, public_url.as_deref());
            let public = crackdown_server::PublicUrl::parse(&base).map_err(anyhow::Error::msg)?;
            let code =
                store.create_signin_code(&viewer, &name, crackdown_server::session::LINK_LIFETIME, Utc::now())?;
            println!("{}", public.signin_link(&code.code));
            eprintln!("single use, valid until {}; then add a passkey in the UI", code.expires_at.format("%H:%M UTC"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn community(global: &Global, command: CommunityCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        CommunityCommand::Add { name } => {
            store.create_community(&viewer, &name, Utc::now())?;
            println!("community {name} created; add members with `crackdown community join {name} --org ORG`");
        }
        CommunityCommand::Join { community, org } => {
            store.join_community(&viewer, &community, &org, Utc::now())?;
            println!("{org} is now a member of {community}");
        }
        CommunityCommand::List { json } => {
            let communities = store.communities(&viewer)?;
            if json {
                print_json(&communities)?;
            } else {
                for community in communities {
                    println!("{:<24} {}", community.name, community.members.join(", "));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(global: &Global, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        TokenCommand::Create { user, label, json } => {
            let user = user.unwrap_or_else(|| viewer.user_name.clone());
            let token = store.create_token(&viewer, &user, &label, Utc::now())?;
            if json {
                print_json(&token)?;
            } else {
                println!("{}", token.secret);
                eprintln!(
                    "token {} for {}: shown once, store it now (revoke with `crackdown token revoke {}`)",
                    token.id, token.user, token.id
                );
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(&viewer, id, Utc::now())?;
            println!("token {id} revoked");
        }
        TokenCommand::List { json } => {
            let tokens = store.tokens(&viewer)?;
            if json {
                print_json(&tokens)?;
            } else {
                for token in tokens {
                    let state =
                        token.revoked_at.map_or("active".to_owned(), |at| format!("revoked {}", at.to_rfc3339()));
                    println!("{:<5} {:<20} {:<16} {}", token.id, token.user, token.label, state);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
