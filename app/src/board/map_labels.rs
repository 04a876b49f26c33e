//! Where the board map writes each community's name. Communities placed on rings around their
//! street's landmarks sit close together, and names written always to the right of their dots
//! ran into each other and into the street names. Each name takes the first of four places
//! around its dot (right, left, above, below) that overlaps nothing written before it and stays
//! inside the drawing; a name with no free place is left out of the picture — the dot keeps it
//! as its tooltip, and the list under the map names every case's community anyway.

/// Height of a written name (SVG units; the map's text is 14 px).
pub const LINE: f64 = 16.0;
/// Gap between a dot and its name.
const GAP: f64 = 7.0;

/// Where a name goes relative to its dot, as the template writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Label {
    /// Horizontal offset from the dot.
    pub dx: f64,
    /// Vertical offset from the dot to the text's baseline.
    pub dy: f64,
    /// SVG `text-anchor`.
    pub anchor: &'static str,
}

/// A rectangle: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect(pub f64, pub f64, pub f64, pub f64);

impl Rect {
    /// Whether the two share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.0 < o.2 && o.0 < self.2 && self.1 < o.3 && o.1 < self.3
    }
}

/// The width of `text` at the map's size: Chinese characters are square, others about half.
pub fn width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 8.0 } else { 14.0 }).sum()
}

/// The box of a name written centred on (x, y), such as a street's at its ring.
pub fn centred(x: f64, y: f64, text: &str) -> Rect {
    let half = width(text) / 2.0;
    Rect(x - half, y - LINE / 2.0, x + half, y + LINE / 2.0)
}

/// Places the names of dots at `(x, y, name)`, in order, around what is already written
/// (`taken`), inside `0..max_x`; None where no place is free.
pub fn place(dots: &[(f64, f64, &str)], taken: &[Rect], max_x: f64) -> Vec<Option<Label>> {
    boxes(dots, taken, max_x).into_iter().map(|p| p.map(|(label, _)| label)).collect()
}

/// [`place`], with the box each name takes.
fn boxes(dots: &[(f64, f64, &str)], taken: &[Rect], max_x: f64) -> Vec<Option<(Label, Rect)>> {
    let mut taken = taken.to_vec();
    // Every dot is in the way of every name, not only of its own.
    taken.extend(dots.iter().map(|&(x, y, _)| Rect(x - 4.0, y - 4.0, x + 4.0, y + 4.0)));
    let (half, base) = (LINE / 2.0, 5.0);
    dots.iter()
        .map(|&(x, y, name)| {
            let w = width(name);
            let candidates = [
                (Label { dx: GAP, dy: base, anchor: "start" }, Rect(x + GAP, y - half, x + GAP + w, y + half)),
                (Label { dx: -GAP, dy: base, anchor: "end" }, Rect(x - GAP - w, y - half, x - GAP, y + half)),
                (
                    Label { dx: 0.0, dy: base - GAP - half, anchor: "middle" },
                    Rect(x - w / 2.0, y - GAP - LINE, x + w / 2.0, y - GAP),
                ),
                (
                    Label { dx: 0.0, dy: base + GAP + half, anchor: "middle" },
                    Rect(x - w / 2.0, y + GAP, x + w / 2.0, y + GAP + LINE),
                ),
            ];
            let free = candidates
                .into_iter()
                .find(|(_, r)| r.0 >= 0.0 && r.2 <= max_x && r.1 >= 0.0 && !taken.iter().any(|t| t.overlaps(r)));
            if let Some((_, rect)) = free {
                taken.push(rect);
            }
            free
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_dot_is_named_to_its_right() {
        let labels = place(&[(100.0, 100.0, "八大关社区")], &[], 960.0);
        assert_eq!(labels, [Some(Label { dx: GAP, dy: 5.0, anchor: "start" })]);
    }

    #[test]
    fn crowded_names_move_around_their_dots_and_never_overlap() {
        // A ring of six communities 42 units around a street's name, as the map draws them.
        let street = centred(300.0, 200.0, "八大关街道");
        let dots: Vec<(f64, f64, &str)> = (0..6)
            .map(|i| {
                let a = std::f64::consts::TAU * f64::from(i) / 6.0;
                (300.0 + 42.0 * a.cos(), 200.0 + 42.0 * a.sin(), "湛山社区")
            })
            .collect();
        let placed = boxes(&dots, &[street], 960.0);
        assert!(placed.iter().filter(|l| l.is_some()).count() >= 4, "{placed:?}");
        assert!(placed.iter().flatten().any(|(l, _)| l.anchor != "start"), "some names moved: {placed:?}");
        let written: Vec<Rect> = placed.iter().flatten().map(|(_, r)| *r).collect();
        for (i, a) in written.iter().enumerate() {
            assert!(!a.overlaps(&street), "name {i} over the street's name");
            for b in &written[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_name_at_the_right_edge_goes_left_and_one_with_no_room_is_left_out() {
        let labels = place(&[(950.0, 100.0, "金门路社区")], &[], 960.0);
        assert_eq!(labels[0].map(|l| l.anchor), Some("end"));
        let everywhere = [Rect(0.0, 0.0, 960.0, 600.0)];
        assert_eq!(place(&[(100.0, 100.0, "金门路社区")], &everywhere, 960.0), [None]);
    }

    #[test]
    fn chinese_is_wider_than_latin() {
        assert_eq!(width("湛山"), 28.0);
        assert_eq!(width("Zs"), 16.0);
    }
}
