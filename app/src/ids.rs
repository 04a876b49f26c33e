//! Typed identifiers: a `StreetId` can never be passed where a `VenueId` is expected.

/// Declares an `i64`-backed identifier newtype.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// The district (one per installation today).
    DistrictId
);
id_type!(
    /// A street (街道).
    StreetId
);
id_type!(
    /// A community (社区) inside a street.
    CommunityId
);
id_type!(
    /// A department (部门), including street offices.
    DepartmentId
);
id_type!(
    /// A venue (场所).
    VenueId
);
id_type!(
    /// A person with an account.
    UserId
);
