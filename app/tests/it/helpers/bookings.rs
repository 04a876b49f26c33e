//! What a world makes for bookings: services with slots, events with sessions, registrations,
//! and the offerings as stored.

use ejia::bookings::model::Offering;
use serde_json::{Value, json};

use super::{Api, HEALTH, PUBLICITY, Person, World};

/// The organiser of [`World::with_service`], [`World::with_event`] and [`World::with_lesson`].
pub const ORGANISER: &str = "13700000001";

/// Where [`World::with_lesson`]'s session is.
pub const LESSON_VENUE: i64 = 3;

impl World {
    /// `n` residents (phones 1390000NNNN, names 居民N) with their API clients.
    pub async fn residents(&self, n: usize) -> Vec<Api> {
        let mut out = Vec::new();
        for i in 0..n {
            out.push(self.client(Person::new(format!("1390000{i:04}"), format!("居民{i}"))).await);
        }
        out
    }

    /// The organiser (a cast member with an API client) makes a service; `body` as the API
    /// takes it.
    pub async fn service(&self, organiser: &str, body: Value) -> Service {
        let organizer = self.api(organiser).clone();
        let department = body["department_id"].as_i64().unwrap_or_default();
        let (status, created) = organizer.post("/services", body).await;
        assert_eq!(status, 201, "{created}");
        Service { id: created["id"].as_i64().unwrap(), organizer, venue: self.venues(1)[0], department }
    }

    /// The organiser (a cast member with an API client) makes an event; `body` as the API
    /// takes it.
    pub async fn event(&self, organiser: &str, body: Value) -> Event {
        let organizer = self.api(organiser).clone();
        let (status, created) = organizer.post("/events", body).await;
        assert_eq!(status, 201, "{created}");
        Event { id: created["id"].as_i64().unwrap(), organizer }
    }

    /// A district with an organiser of 区卫健局 ([`ORGANISER`], 卫健局组织者) and their
    /// service 新冠疫苗接种 第一剂, real-name or not.
    pub async fn with_service(real_name: bool) -> (Self, Service) {
        let w = Self::district().await.with([Person::new(ORGANISER, "卫健局组织者").organiser_of(HEALTH).api()]).await;
        let health = w.department(HEALTH);
        let body = json!({"name": "新冠疫苗接种 第一剂", "real_name_required": real_name, "department_id": health});
        let service = w.service(ORGANISER, body).await;
        (w, service)
    }

    /// A district with an organiser of 区委宣传部 ([`ORGANISER`], 宣传部组织者) and their
    /// film series 红色电影展播：《长津湖》, for members only or for everyone.
    pub async fn with_event(members_only: bool) -> (Self, Event) {
        let w =
            Self::district().await.with([Person::new(ORGANISER, "宣传部组织者").organiser_of(PUBLICITY).api()]).await;
        let body = json!({"title": "红色电影展播：《长津湖》", "kind": "film", "description": "每周六晚放映。\n请提前十分钟入场。",
            "campaign": "学党史", "department_id": w.department(PUBLICITY), "members_only": members_only});
        let event = w.event(ORGANISER, body).await;
        (w, event)
    }

    /// A district where [`ORGANISER`] (组织者, of 区委宣传部) holds the party lesson `title`
    /// at [`LESSON_VENUE`], 10:00–11:00 on the test day (the clock stands at 09:00), with `capacity`
    /// seats; the world and the session.
    pub async fn with_lesson(title: &str, capacity: i64) -> (Self, i64) {
        let w = Self::district().await.with([Person::new(ORGANISER, "组织者").organiser_of(PUBLICITY).api()]).await;
        let body = json!({"title": title, "kind": "party_lesson", "department_id": w.department(PUBLICITY)});
        let event = w.event(ORGANISER, body).await;
        let session = event
            .session(json!({"venue_id": LESSON_VENUE, "starts_at": "2026-12-01T10:00:00+08:00",
                "ends_at": "2026-12-01T11:00:00+08:00", "capacity": capacity}))
            .await;
        (w, session)
    }

    /// An offering (a slot or a session) as stored.
    pub async fn offering(&self, id: i64) -> Offering {
        let mut conn = self.app.state.db.conn().await.unwrap();
        ejia::bookings::store::offering(&mut conn, id).await.unwrap().unwrap()
    }

    /// The statuses of an offering's reservations, in the order they were made.
    pub async fn statuses(&self, offering: i64) -> Vec<String> {
        let mut conn = self.app.state.db.conn().await.unwrap();
        let all = ejia::bookings::store::of_offering(&mut conn, offering).await.unwrap();
        all.iter().map(|r| r.status.as_str().to_owned()).collect()
    }
}

/// A service, with the organiser who runs it.
pub struct Service {
    /// The service's id.
    pub id: i64,
    /// The organiser's API client.
    pub organizer: Api,
    /// Where its slots are unless told: the first venue.
    pub venue: i64,
    /// The department that runs it.
    pub department: i64,
}

impl Service {
    /// A slot tomorrow morning, 08:30–09:00 at [`Service::venue`] (the test clock stands at
    /// 2026-12-01 09:00 district time), with `extra`'s fields over these.
    pub async fn slot(&self, capacity: i64, extra: Value) -> i64 {
        let mut body = json!({"venue_id": self.venue, "starts_at": "2026-12-02T08:30:00+08:00",
            "ends_at": "2026-12-02T09:00:00+08:00", "capacity": capacity});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, created) = self.organizer.post(&format!("/services/{}/slots", self.id), body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_i64().unwrap()
    }
}

/// An event, with the organiser who runs it.
pub struct Event {
    /// The event's id.
    pub id: i64,
    /// The organiser's API client.
    pub organizer: Api,
}

impl Event {
    /// One session, `body` as the API takes it; its id.
    pub async fn session(&self, body: Value) -> i64 {
        let (status, created) = self.organizer.post(&format!("/events/{}/sessions", self.id), body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_i64().unwrap()
    }
}

/// `who` registers for a session; the registration, as the API answers.
pub async fn register(who: &Api, session: i64) -> Value {
    let (status, registered) = who.post(&format!("/sessions/{session}/registrations"), json!({})).await;
    assert_eq!(status, 201, "{registered}");
    registered
}
