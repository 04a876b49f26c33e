//! Enterprise approval assistance (帮办代办).

mod assistance;
