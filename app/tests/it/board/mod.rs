//! The public board: its pages and map, and Open311.

mod open311;
mod pages;
