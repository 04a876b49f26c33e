//! Enterprise approval assistance (暖南 帮办代办) on the case engine. Pure types and rules.
//!
//! An assistance item (企业开办, 食品经营许可 …) is a case category of kind [`KIND`] under a major
//! of its own ([`MAJOR_CODE`]), with a checklist of steps: what each needs and how many trips to
//! an office it would cost a company that went alone. A request is a case with source
//! `enterprise`, filed by the owner of an approved enterprise account; the dispatcher assigns an
//! agent (帮办员, a handler of the item's department), who becomes a party to the case
//! ([`crate::cases::workflow::Party::Agent`]), ticks the steps and reports it handled once all are
//! done; the company confirms, and may rate it. Each tick is a timeline step the company sees and
//! an inbox notice; the visits spared are summed from the ticked steps.
//!
//! Why cases and not a workflow of its own: the deadline in working days, the timeline, the
//! messages (comments), the check and the rating are the case engine's already, and the district's
//! statistics then count assistance beside every other kind of case. What is particular to
//! assistance — the enterprise account, the checklist and the agent — lives in this folder
//! (`enterprise/`): `store` (SQL), `service` (use cases), `notices` (what an applicant hears of
//! the decision), `pages` and `views` (the site), `api` (the JSON API).
//!
//! A user owns at most one enterprise account and one code belongs to one enterprise; a refused
//! application may be sent again (by anyone: a refusal may have been of someone claiming another's
//! code). Approval grants the owner the enterprise role. The credit code is public (printed on the
//! licence, listed in the national registry), so the owner and the deciders see it in full; the
//! contact's phone is personal data, stored sealed with a masked copy: the agent and the centre see
//! it in full because they must call, everyone else masked.
//!
//! Assigning an agent to a request nobody has dispatched yet dispatches it to the item's department
//! first (through `cases::service::act`, so the deadline and the company's notice come as for any case) and
//! then records the agent: two transactions. If the second fails the case is simply with the
//! department without an agent, and assigning again finishes the job.

use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::model::Phone;
use crate::cases::calendar::model::TimeLimit;
use crate::enterprise::uscc::CreditCode;
use crate::error::FieldError;
use crate::ids::UserId;

/// The category kind of assistance items.
pub const KIND: &str = "assist";
/// The code of the assistance items' major.
pub const MAJOR_CODE: &str = "80";
/// Its name.
pub const MAJOR_NAME: &str = "企业帮办代办";
/// The department assistance items go to first (the district's approval bureau, 相对集中行政许可).
pub const APPROVAL_DEPARTMENT: &str = "区行政审批局";

/// Longest company name kept.
pub const MAX_NAME: usize = 100;
/// Longest contact name kept.
pub const MAX_CONTACT: usize = 32;

/// One step of an item's checklist, as seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepSeed {
    /// What is done.
    pub title: &'static str,
    /// What it needs.
    pub materials: &'static str,
    /// Trips to an office the company would make for it alone.
    pub visits: i64,
}

/// An assistance item, as seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSeed {
    /// Four-digit code under [`MAJOR_CODE`].
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Time limit in working days (the district's promise, shorter than the statutory one).
    pub limit: TimeLimit,
    /// The checklist, in order.
    pub steps: &'static [StepSeed],
}

const fn step(title: &'static str, materials: &'static str, visits: i64) -> StepSeed {
    StepSeed { title, materials, visits }
}

/// The items a district starts with. Steps and materials follow Shandong's published guides for
/// each matter, cut to what the agent does with the company; the back office edits limits and
/// departments like any category's.
pub const ITEMS: [ItemSeed; 4] = [
    ItemSeed {
        code: "8001",
        name: "企业开办",
        limit: TimeLimit::Days(1),
        steps: &[
            step("企业名称自主申报", "备选名称 3 个；投资人身份证明", 1),
            step(
                "设立登记，领取营业执照",
                "公司章程；股东决定或决议；住所使用证明；法定代表人和董事、监事、经理的任职文件",
                1,
            ),
            step("公章刻制备案", "营业执照副本；法定代表人身份证件", 1),
            step("税务登记与发票申领", "营业执照；办税人员身份证件；银行账户信息", 1),
            step("社保和住房公积金单位登记", "营业执照；参保职工名单", 1),
        ],
    },
    ItemSeed {
        code: "8002",
        name: "食品经营许可",
        limit: TimeLimit::Days(10),
        steps: &[
            step("申请前辅导与材料预审", "营业执照；法定代表人身份证明；经营场所平面图和设备布局、工艺流程图", 1),
            step("食品安全管理制度与人员", "食品安全管理制度文本；食品安全管理人员名单及培训证明；从业人员健康证明", 1),
            step("提交申请并受理", "食品经营许可申请书；经营项目与主体业态说明", 1),
            step("现场核查", "经营场所与设施设备现场；帮办员陪同核查", 1),
            step("领取食品经营许可证", "许可证由帮办员代领或邮寄送达", 1),
        ],
    },
    ItemSeed {
        code: "8003",
        name: "公共场所卫生许可",
        limit: TimeLimit::Days(10),
        steps: &[
            step("材料预审", "营业执照；法定代表人身份证明；场所平面图和卫生设施布局图", 1),
            step("卫生检测", "空气、水质、公共用品用具的检测报告", 1),
            step("从业人员健康证明", "直接为顾客服务人员的健康合格证明", 1),
            step("提交申请与告知承诺", "公共场所卫生许可申请书；告知承诺书", 1),
            step("领取卫生许可证", "许可证由帮办员代领或邮寄送达", 1),
        ],
    },
    ItemSeed {
        code: "8004",
        name: "养老机构备案",
        limit: TimeLimit::Days(5),
        steps: &[
            step("法人登记", "营业执照或民办非企业单位登记证书；法定代表人身份证明", 1),
            step("消防安全", "消防验收或消防安全检查合格证明", 1),
            step("服务场所", "房屋产权或租赁证明；建筑质量安全证明", 1),
            step("提交备案书与承诺书", "养老机构备案书；备案承诺书", 1),
        ],
    },
];

/// Where an enterprise account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseStatus {
    /// Applied, waiting for a decision.
    Pending,
    /// Approved: the owner holds the enterprise role.
    Approved,
    /// Refused, with a reason; may be sent again.
    Refused,
}

impl EnterpriseStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EnterpriseStatus::Pending => "pending",
            EnterpriseStatus::Approved => "approved",
            EnterpriseStatus::Refused => "refused",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [EnterpriseStatus::Pending, EnterpriseStatus::Approved, EnterpriseStatus::Refused]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// Translation key of the status's name.
    pub fn key(self) -> &'static str {
        match self {
            EnterpriseStatus::Pending => "enterprise.status_pending",
            EnterpriseStatus::Approved => "enterprise.status_approved",
            EnterpriseStatus::Refused => "enterprise.status_refused",
        }
    }
}

/// An enterprise account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    /// Id.
    pub id: i64,
    /// Company name.
    pub name: String,
    /// Unified social credit code.
    pub uscc: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone, masked.
    pub contact_phone_masked: String,
    /// The user who applied and files its requests.
    pub owner: UserId,
    /// Where it stands.
    pub status: EnterpriseStatus,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// The reason given with a refusal.
    pub decision_note: String,
    /// Applied at.
    pub created_at: i64,
}

/// An application for an enterprise account, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Company name.
    pub name: String,
    /// Its code.
    pub uscc: CreditCode,
    /// Contact.
    pub contact: Contact,
}

/// Who to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Mobile number.
    pub phone: Phone,
}

impl Contact {
    /// Checks a contact as typed (fields `contact_name`, `contact_phone`).
    pub fn parse(name: &str, phone: &str, errors: &mut Vec<FieldError>) -> Option<Self> {
        let name = name.trim();
        if name.is_empty() {
            errors.push(FieldError { field: "contact_name", key: "form.required" });
        } else if name.chars().count() > MAX_CONTACT || name.chars().any(char::is_control) {
            errors.push(FieldError { field: "contact_name", key: "form.display_name_invalid" });
        }
        let phone = Phone::parse(phone);
        if phone.is_none() {
            errors.push(FieldError { field: "contact_phone", key: "form.phone_invalid" });
        }
        let ok = errors.iter().all(|e| !e.field.starts_with("contact_"));
        phone.filter(|_| ok).map(|phone| Contact { name: name.to_owned(), phone })
    }
}

impl Application {
    /// Checks an application as typed; every problem at once, each at its field.
    pub fn parse(name: &str, uscc: &str, contact_name: &str, contact_phone: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() {
            errors.push(FieldError { field: "name", key: "form.required" });
        } else if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            errors.push(FieldError { field: "name", key: "form.name_invalid" });
        }
        let code = if uscc.trim().is_empty() {
            errors.push(FieldError { field: "uscc", key: "form.required" });
            None
        } else {
            CreditCode::parse(uscc).map_err(|e| errors.push(FieldError { field: "uscc", key: e.key() })).ok()
        };
        let contact = Contact::parse(contact_name, contact_phone, &mut errors);
        match (code, contact) {
            (Some(uscc), Some(contact)) if errors.is_empty() => Ok(Self { name: name.to_owned(), uscc, contact }),
            _ => Err(errors),
        }
    }
}

/// One step of a case's checklist, with whether it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChecklistStep {
    /// The step's id (to tick it).
    pub id: i64,
    /// Its place in the list, from 1.
    pub step_no: i64,
    /// What is done.
    pub title: String,
    /// What it needs.
    pub materials: String,
    /// Trips to an office it spares the company.
    pub visits: i64,
    /// When it was done (Unix seconds); None while open.
    pub done_at: Option<i64>,
    /// The agent's note on it.
    pub note: String,
}

/// How far a checklist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
pub struct Progress {
    /// Steps done.
    pub done: i64,
    /// Steps in all.
    pub total: i64,
    /// Trips to an office spared so far.
    pub visits_spared: i64,
}

impl Progress {
    /// Whole percent done (an empty checklist counts as done).
    pub fn percent(self) -> i64 {
        if self.total == 0 { 100 } else { self.done * 100 / self.total }
    }

    /// Every step done.
    pub fn complete(self) -> bool {
        self.done >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_checked_field_by_field() {
        let ok =
            Application::parse(" 青岛海味餐饮有限公司 ", "9137 0202 MA3C 1234 5B", "李经理", "138-0000-0001").unwrap();
        assert_eq!((ok.name.as_str(), ok.uscc.as_str()), ("青岛海味餐饮有限公司", "91370202MA3C12345B"));
        assert_eq!((ok.contact.name.as_str(), ok.contact.phone.as_str()), ("李经理", "13800000001"));
        let bad = Application::parse("", "91370202MA3C12345C", " ", "12345").unwrap_err();
        let fields: Vec<(&str, &str)> = bad.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            fields,
            [
                ("name", "form.required"),
                ("uscc", "uscc.check"),
                ("contact_name", "form.required"),
                ("contact_phone", "form.phone_invalid")
            ]
        );
        let long = "公".repeat(MAX_NAME + 1);
        assert_eq!(Application::parse(&long, "", "李", "13800000001").unwrap_err().len(), 2);
    }

    #[test]
    fn the_seeded_items_are_minors_of_their_major_with_numbered_steps() {
        let mut codes = std::collections::HashSet::new();
        for item in ITEMS {
            assert!(item.code.starts_with(MAJOR_CODE) && item.code.len() == 4, "{}", item.code);
            assert!(codes.insert(item.code));
            assert!(matches!(item.limit, TimeLimit::Days(_)), "limits in working days");
            assert!(item.steps.len() >= 3, "{}", item.name);
            assert!(item.steps.iter().all(|s| !s.title.is_empty() && !s.materials.is_empty() && s.visits >= 0));
        }
        let food = ITEMS.iter().find(|i| i.name == "食品经营许可").unwrap();
        assert_eq!(food.steps.iter().map(|s| s.visits).sum::<i64>(), 5);
    }

    #[test]
    fn progress_counts_steps_and_visits() {
        let p = Progress { done: 2, total: 5, visits_spared: 2 };
        assert_eq!((p.percent(), p.complete()), (40, false));
        assert!(Progress { done: 5, total: 5, visits_spared: 5 }.complete());
        assert_eq!(Progress::default().percent(), 100);
    }

    #[test]
    fn statuses_round_trip() {
        for s in [EnterpriseStatus::Pending, EnterpriseStatus::Approved, EnterpriseStatus::Refused] {
            assert_eq!(EnterpriseStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.key(), format!("enterprise.status_{}", s.as_str()));
        }
    }
}
