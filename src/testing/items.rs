//! The fake's state: Items, their tokens, connected applications and consent activity.
//! Plain data and the rules of Plaid's token lifecycle; no HTTP here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::secret::{AccessToken, PublicToken};
use crate::types::{
    Activity, ConnectedApplication, Item, ItemUpdateType, LastDataAccessTimes, PlaidError, Products,
};

use super::errors::Refusal;

/// A public token lives this long (Plaid: 30 minutes).
pub(crate) const PUBLIC_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::minutes(30);

/// An Item for [`super::FakePlaid::create_item`]: what Link would have produced.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub(crate) institution_id: String,
    pub(crate) products: Vec<Products>,
    pub(crate) webhook: Option<String>,
    pub(crate) access_token: Option<String>,
    pub(crate) accounts: Vec<String>,
}

impl Default for NewItem {
    /// First Platypus Bank (`ins_109508`, Plaid's Sandbox bank), transactions, no webhook,
    /// one account.
    fn default() -> Self {
        Self {
            institution_id: "ins_109508".into(),
            products: vec![Products::Transactions],
            webhook: None,
            access_token: None,
            accounts: Vec::new(),
        }
    }
}

impl NewItem {
    /// An Item with the fake's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The institution the Item is at.
    pub fn institution(mut self, institution_id: impl Into<String>) -> Self {
        self.institution_id = institution_id.into();
        self
    }

    /// The products the Item is billed for.
    pub fn products(mut self, products: impl IntoIterator<Item = Products>) -> Self {
        self.products = products.into_iter().collect();
        self
    }

    /// Where the Item's webhooks go.
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        self.webhook = Some(url.into());
        self
    }

    /// Use this access token instead of a generated one (for clients with a fixed token).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Add an account with this `account_id` (for `sandbox_item_set_verification_status`);
    /// without any, the Item gets one generated account.
    pub fn account(mut self, account_id: impl Into<String>) -> Self {
        self.accounts.push(account_id.into());
        self
    }
}

/// What [`super::FakePlaid::create_item`] returns: Link's result.
#[derive(Debug, Clone)]
pub struct CreatedItem {
    /// The Item's id.
    pub item_id: String,
    /// A public token to exchange, as Link would return it.
    pub public_token: PublicToken,
    /// The Item's accounts, for calls that name one.
    pub account_ids: Vec<String>,
}

/// What [`super::FakePlaid::link_item`] returns: an Item whose public token is already
/// exchanged.
#[derive(Debug, Clone)]
pub struct LinkedItem {
    /// The Item's id.
    pub item_id: String,
    /// The Item's access token.
    pub access_token: AccessToken,
    /// The Item's accounts.
    pub account_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) account_id: String,
    pub(crate) verification_status: Option<String>,
}

#[derive(Debug)]
pub(crate) struct StoredItem {
    pub(crate) item: Item,
    pub(crate) access_token: Option<String>,
    /// The token the first exchange hands out, when the test chose one.
    pub(crate) chosen_access_token: Option<String>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) applications: Vec<ConnectedApplication>,
    pub(crate) activities: Vec<Activity>,
    pub(crate) last_data_access_times: Vec<LastDataAccessTimes>,
    pub(crate) last_webhook: Option<(String, DateTime<Utc>)>,
}

#[derive(Debug)]
struct PublicTokenEntry {
    item_id: String,
    expires_at: DateTime<Utc>,
    used: bool,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    items: HashMap<String, StoredItem>,
    /// access token -> item id, for live tokens only.
    access_tokens: HashMap<String, String>,
    public_tokens: HashMap<String, PublicTokenEntry>,
}

/// A random lower-case alphanumeric string: ids and tokens.
pub(crate) fn random_id(len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| CHARS[fastrand::usize(..CHARS.len())] as char)
        .collect()
}

fn uuid_like() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(..16), 16).unwrap_or('0'))
            .collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

impl State {
    /// Adds an Item as Link would, returning its id and account ids.
    pub(crate) fn insert_item(&mut self, new: NewItem) -> (String, Vec<String>) {
        let item_id = random_id(37);
        let accounts: Vec<String> = if new.accounts.is_empty() {
            vec![random_id(37)]
        } else {
            new.accounts
        };
        let item = Item {
            available_products: Vec::new(),
            billed_products: new.products.clone(),
            consent_expiration_time: None,
            consented_products: Vec::new(),
            error: None,
            institution_id: Some(new.institution_id),
            item_id: item_id.clone(),
            products: new.products,
            update_type: ItemUpdateType::Background,
            webhook: new.webhook,
            extra: Default::default(),
        };
        self.items.insert(
            item_id.clone(),
            StoredItem {
                item,
                access_token: None,
                chosen_access_token: new.access_token,
                accounts: accounts
                    .iter()
                    .map(|id| Account {
                        account_id: id.clone(),
                        verification_status: None,
                    })
                    .collect(),
                applications: Vec::new(),
                activities: Vec::new(),
                last_data_access_times: Vec::new(),
                last_webhook: None,
            },
        );
        (item_id, accounts)
    }

    /// A new public token for the Item, valid for 30 minutes from `now`.
    pub(crate) fn issue_public_token(&mut self, item_id: &str, now: DateTime<Utc>) -> PublicToken {
        let token = format!("public-sandbox-{}", uuid_like());
        self.public_tokens.insert(
            token.clone(),
            PublicTokenEntry {
                item_id: item_id.to_string(),
                expires_at: now + PUBLIC_TOKEN_LIFETIME,
                used: false,
            },
        );
        PublicToken::new(token)
    }

    pub(crate) fn public_token_expiry(&self, token: &PublicToken) -> Option<DateTime<Utc>> {
        self.public_tokens
            .get(token.expose_secret())
            .map(|e| e.expires_at)
    }

    /// Exchanges a public token once: a used, expired or unknown one is refused.
    pub(crate) fn exchange(
        &mut self,
        token: &PublicToken,
        now: DateTime<Utc>,
    ) -> Result<(String, AccessToken), Refusal> {
        let entry = self
            .public_tokens
            .get_mut(token.expose_secret())
            .ok_or_else(|| {
                Refusal::invalid_public_token(
                    "provided public token is in an invalid format or no longer valid",
                )
            })?;
        if entry.used {
            return Err(Refusal::invalid_public_token(
                "provided public token has already been exchanged",
            ));
        }
        if now >= entry.expires_at {
            return Err(Refusal::invalid_public_token(
                "provided public token is expired. Public tokens expire 30 minutes after \
                 creation at which point they can no longer be exchanged",
            ));
        }
        entry.used = true;
        let item_id = entry.item_id.clone();
        let stored = self.items.get_mut(&item_id).ok_or_else(|| {
            Refusal::invalid_public_token("the Item of this public token was removed")
        })?;
        let token = match &stored.access_token {
            Some(existing) => existing.clone(),
            None => {
                let token = stored
                    .chosen_access_token
                    .take()
                    .unwrap_or_else(|| format!("access-sandbox-{}", uuid_like()));
                stored.access_token = Some(token.clone());
                self.access_tokens.insert(token.clone(), item_id.clone());
                token
            }
        };
        Ok((item_id, AccessToken::new(token)))
    }

    /// The Item an access token belongs to, or Plaid's INVALID_ACCESS_TOKEN.
    pub(crate) fn by_token(&mut self, token: &AccessToken) -> Result<&mut StoredItem, Refusal> {
        let item_id = self
            .access_tokens
            .get(token.expose_secret())
            .ok_or_else(Refusal::invalid_access_token)?;
        self.items
            .get_mut(item_id)
            .ok_or_else(Refusal::invalid_access_token)
    }

    pub(crate) fn item_mut(&mut self, item_id: &str) -> Option<&mut StoredItem> {
        self.items.get_mut(item_id)
    }

    pub(crate) fn item(&self, item_id: &str) -> Option<&StoredItem> {
        self.items.get(item_id)
    }

    pub(crate) fn items(&self) -> impl Iterator<Item = &StoredItem> {
        self.items.values()
    }

    /// Replaces the Item's access token; the old one stops working at once.
    pub(crate) fn rotate(&mut self, token: &AccessToken) -> Result<AccessToken, Refusal> {
        let item_id = self.by_token(token)?.item.item_id.clone();
        self.access_tokens.remove(token.expose_secret());
        let new = format!("access-sandbox-{}", uuid_like());
        self.access_tokens.insert(new.clone(), item_id.clone());
        if let Some(stored) = self.items.get_mut(&item_id) {
            stored.access_token = Some(new.clone());
        }
        Ok(AccessToken::new(new))
    }

    /// Ends the Item and its access token.
    pub(crate) fn remove(&mut self, token: &AccessToken) -> Result<(), Refusal> {
        let item_id = self.by_token(token)?.item.item_id.clone();
        self.access_tokens.remove(token.expose_secret());
        self.items.remove(&item_id);
        self.public_tokens.retain(|_, e| e.item_id != item_id);
        Ok(())
    }

    /// Gives an Item an access token directly (no public token), for `item_import`.
    pub(crate) fn grant_access_token(&mut self, item_id: &str) -> AccessToken {
        let token = format!("access-sandbox-{}", uuid_like());
        self.access_tokens
            .insert(token.clone(), item_id.to_string());
        if let Some(stored) = self.items.get_mut(item_id) {
            stored.access_token = Some(token.clone());
        }
        AccessToken::new(token)
    }
}

/// Plaid's ITEM_LOGIN_REQUIRED, as `item.error` and in the ITEM `ERROR` webhook.
pub(crate) fn login_required() -> PlaidError {
    let mut error = super::errors::plaid_error(
        400,
        crate::types::PlaidErrorType::ItemError,
        "ITEM_LOGIN_REQUIRED",
        "the login details of this item have changed (credentials, MFA, or required user \
         action) and a user login is required to update this information. use Link's update \
         mode to restore the item to a good state",
    );
    error.display_message =
        Some("We're sorry, your credentials have changed. Please log in again to continue.".into());
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_public_token_exchanges_once_and_not_after_thirty_minutes() {
        let mut state = State::default();
        let (item_id, _) = state.insert_item(NewItem::new());
        let token = state.issue_public_token(&item_id, now());
        let (id, access) = state.exchange(&token, now()).unwrap();
        assert_eq!(id, item_id);
        assert!(state.by_token(&access).is_ok());
        let again = state.exchange(&token, now()).unwrap_err();
        assert_eq!(again.error.error_code, "INVALID_PUBLIC_TOKEN");

        let late = state.issue_public_token(&item_id, now());
        let at_expiry = now() + PUBLIC_TOKEN_LIFETIME;
        let err = state.exchange(&late, at_expiry).unwrap_err();
        assert!(err.error.error_message.contains("expired"), "{err:?}");
        let fresh = state.issue_public_token(&item_id, now());
        let just_before = at_expiry - chrono::Duration::seconds(1);
        assert_eq!(state.exchange(&fresh, just_before).unwrap().1, access);
    }

    #[test]
    fn rotating_kills_the_old_token_and_removing_kills_the_new() {
        let mut state = State::default();
        let (item_id, _) = state.insert_item(NewItem::new().access_token("access-chosen"));
        let token = state.issue_public_token(&item_id, now());
        let (_, old) = state.exchange(&token, now()).unwrap();
        assert_eq!(old.expose_secret(), "access-chosen");
        let new = state.rotate(&old).unwrap();
        assert_ne!(new, old);
        assert_eq!(
            state.by_token(&old).unwrap_err().error.error_code,
            "INVALID_ACCESS_TOKEN"
        );
        state.remove(&new).unwrap();
        assert!(state.by_token(&new).is_err());
        assert!(state.item(&item_id).is_none());
    }
}
