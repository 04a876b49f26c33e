//! The district's structure in the back office: streets, communities, venues, users and roles.

mod backoffice;
