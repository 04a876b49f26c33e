//! Account pages: log in, register (two steps), my profile.

use crate::accounts::model::User;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

/// Log-in page.
#[derive(askama::Template)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    /// Page context.
    pub ctx: Ctx,
    /// Phone and password fields.
    pub fields: Vec<Field>,
    /// Where to go afterwards.
    pub next: String,
    /// Errors.
    pub errors: Errors,
    /// A line above the form: a lock and how long it lasts, or that an unlock worked.
    pub notice: Option<String>,
    /// The locked phone as typed, when the phone (not the network) is locked: the page offers
    /// to text it a code with one tap.
    pub unlock_phone: Option<String>,
}

impl LoginPage {
    /// The page with the phone as typed.
    pub fn new(ctx: Ctx, phone: &str, next: String, errors: Errors) -> Self {
        let fields = vec![
            Field::text("phone", "field.phone", phone).kind("tel").inputmode("tel").autocomplete("username").required(),
            Field::text("password", "field.password", "").kind("password").autocomplete("current-password").required(),
        ];
        Self { ctx, fields, next, errors, notice: None, unlock_phone: None }
    }

    /// The page after a refused attempt: what is locked, for how long, and what to do.
    pub fn locked(mut self, retry_after: u64, phone: Option<&str>) -> Self {
        let minutes = retry_after.div_ceil(60).to_string();
        let key = if phone.is_some() { "login.phone_locked" } else { "login.address_locked" };
        self.notice = Some(self.ctx.tf(key, &[("minutes", &minutes)]));
        self.unlock_phone = phone.map(str::to_owned);
        self
    }
}

/// Unlocking a phone's logins: step one asks for the phone, step two for the texted code.
#[derive(askama::Template)]
#[template(path = "accounts/unlock.html")]
pub struct UnlockPage {
    /// Page context.
    pub ctx: Ctx,
    /// Step two's verification token; None on step one.
    pub token: Option<String>,
    /// The one field of the step.
    pub fields: Vec<Field>,
    /// Errors.
    pub errors: Errors,
}

impl UnlockPage {
    /// Step one, with the phone as typed.
    pub fn phone(ctx: Ctx, phone: &str, errors: Errors) -> Self {
        let field =
            Field::text("phone", "field.phone", phone).kind("tel").inputmode("tel").autocomplete("tel").required();
        Self { ctx, token: None, fields: vec![field], errors }
    }

    /// Step two.
    pub fn code(ctx: Ctx, token: String, errors: Errors) -> Self {
        let field = Field::text("code", "field.code", "").inputmode("numeric").autocomplete("one-time-code").required();
        Self { ctx, token: Some(token), fields: vec![field], errors }
    }
}

/// The welcome after registering: the next steps.
#[derive(askama::Template)]
#[template(path = "accounts/welcome.html")]
pub struct WelcomePage {
    /// Page context.
    pub ctx: Ctx,
}

/// 忘记密码: step one (the phone) or two (the code and the new password).
#[derive(askama::Template)]
#[template(path = "accounts/reset.html")]
pub struct ResetPage {
    /// Page context.
    pub ctx: Ctx,
    /// Step two's verification token; None on step one.
    pub token: Option<String>,
    /// The step's fields.
    pub fields: Vec<Field>,
    /// Errors.
    pub errors: Errors,
}

impl ResetPage {
    /// Step one, with the phone as typed.
    pub fn phone(ctx: Ctx, phone: &str, errors: Errors) -> Self {
        let field =
            Field::text("phone", "field.phone", phone).kind("tel").inputmode("tel").autocomplete("tel").required();
        Self { ctx, token: None, fields: vec![field], errors }
    }

    /// Step two: the code and the new password, twice (never shown back).
    pub fn code(ctx: Ctx, token: String, errors: Errors) -> Self {
        let fields = vec![
            Field::text("code", "field.code", "").inputmode("numeric").autocomplete("one-time-code").required(),
            Field::text("new_password", "field.new_password", "")
                .kind("password")
                .autocomplete("new-password")
                .required(),
            Field::text("confirm_password", "field.confirm_password", "")
                .kind("password")
                .autocomplete("new-password")
                .required(),
        ];
        Self { ctx, token: Some(token), fields, errors }
    }
}

/// My API tokens and calendar link.
#[derive(askama::Template)]
#[template(path = "accounts/tokens.html")]
pub struct TokensPage {
    /// Page context.
    pub ctx: Ctx,
    /// Live tokens: (id, name, created, long-lived).
    pub tokens: Vec<(i64, String, String, bool)>,
    /// A token just made, shown this once.
    pub new_token: Option<String>,
    /// The name field of the new-token form.
    pub fields: Vec<Field>,
    /// Errors of that form.
    pub errors: Errors,
    /// A success message key.
    pub notice: Option<&'static str>,
}

/// Registration, step one: the phone number.
#[derive(askama::Template)]
#[template(path = "accounts/register.html")]
pub struct RegisterPage {
    /// Page context.
    pub ctx: Ctx,
    /// The phone field.
    pub fields: Vec<Field>,
    /// Errors.
    pub errors: Errors,
}

impl RegisterPage {
    /// The page with the phone as typed.
    pub fn new(ctx: Ctx, phone: &str, errors: Errors) -> Self {
        let fields = vec![
            Field::text("phone", "field.phone", phone).kind("tel").inputmode("tel").autocomplete("tel").required(),
        ];
        Self { ctx, fields, errors }
    }
}

/// Registration, step two: code, name, community, password.
#[derive(askama::Template)]
#[template(path = "accounts/register_verify.html")]
pub struct VerifyPage {
    /// Page context.
    pub ctx: Ctx,
    /// Verification token.
    pub token: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Errors.
    pub errors: Errors,
}

impl VerifyPage {
    /// The page with the values as typed (never the code or password).
    pub fn new(
        ctx: Ctx,
        token: String,
        name: &str,
        community_id: &str,
        communities: Vec<OptGroup>,
        errors: Errors,
    ) -> Self {
        let fields = vec![
            Field::text("code", "field.code", "").inputmode("numeric").autocomplete("one-time-code").required(),
            Field::text("password", "field.new_password", "")
                .kind("password")
                .autocomplete("new-password")
                .hint("hint.password")
                .required(),
            // Optional, so that registering takes six taps (issue 12): both can be set later on
            // the profile page, and the welcome says so.
            Field::text("name", "field.display_name", name).autocomplete("name").hint("register.name_hint"),
            Field::select("community_id", "field.community", community_id, communities).hint("register.community_hint"),
        ];
        Self { ctx, token, fields, errors }
    }
}

/// My profile.
#[derive(askama::Template)]
#[template(path = "accounts/profile.html")]
pub struct ProfilePage {
    /// Page context.
    pub ctx: Ctx,
    /// Name and community fields.
    pub profile_fields: Vec<Field>,
    /// Password fields.
    pub password_fields: Vec<Field>,
    /// Roles, translated with their scope.
    pub roles: Vec<crate::org::directory::GrantText>,
    /// Errors of the profile form.
    pub profile_errors: Errors,
    /// Errors of the password form.
    pub password_errors: Errors,
    /// A success message key.
    pub notice: Option<&'static str>,
    /// Staff only: whether the daily digest of their queues is texted to them.
    pub digest: Option<bool>,
}

/// The fields of the profile page's two forms.
pub fn profile_fields(name: &str, community_id: &str, communities: Vec<OptGroup>) -> (Vec<Field>, Vec<Field>) {
    let profile = vec![
        Field::text("name", "field.display_name", name).autocomplete("name").required(),
        Field::select("community_id", "field.community", community_id, communities),
    ];
    let password = vec![
        Field::text("current_password", "field.current_password", "")
            .kind("password")
            .autocomplete("current-password")
            .required(),
        Field::text("new_password", "field.new_password", "")
            .kind("password")
            .autocomplete("new-password")
            .hint("hint.password")
            .required(),
        Field::text("confirm_password", "field.confirm_password", "")
            .kind("password")
            .autocomplete("new-password")
            .required(),
    ];
    (profile, password)
}

/// The back-office list of users.
#[derive(askama::Template)]
#[template(path = "manage/users.html")]
pub struct UsersPage {
    /// Page context.
    pub ctx: Ctx,
    /// Search text.
    pub q: String,
    /// Users found.
    pub users: Vec<User>,
    /// Whether the viewer may create accounts.
    pub can_create: bool,
    /// Link to older users.
    pub more: Option<String>,
}

/// One user in the back office, with their roles.
#[derive(askama::Template)]
#[template(path = "manage/user.html")]
pub struct UserPage {
    /// Page context.
    pub ctx: Ctx,
    /// The user.
    pub user: User,
    /// Their community's name.
    pub community: String,
    /// Grants with a description and the form values to revoke them.
    pub grants: Vec<(crate::org::directory::GrantText, String, String)>,
    /// Roles the viewer may grant (value, label).
    pub role_options: Vec<Opt>,
    /// Scopes the viewer may grant in.
    pub scope_options: Vec<OptGroup>,
    /// Errors of the grant form.
    pub errors: Errors,
    /// The viewer may make a long-lived service token for this account (district admins).
    pub may_make_service_token: bool,
}

/// A long-lived service token just made in the back office, shown this once.
#[derive(askama::Template)]
#[template(path = "manage/service_token.html")]
pub struct ServiceTokenPage {
    /// Page context.
    pub ctx: Ctx,
    /// Whose token it is.
    pub user: crate::ids::UserId,
    /// The token.
    pub token: String,
}
