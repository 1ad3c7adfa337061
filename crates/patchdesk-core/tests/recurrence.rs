//! Maintenance-window recurrences across daylight-saving changes, and the window fit.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc,
    Weekday,
};
use chrono_tz::Tz;
use patchdesk_core::releases::plan::{first_fit, WindowRule};
use patchdesk_core::releases::recurrence::*;
use patchdesk_core::releases::Blackout;
use proptest::prelude::*;

const ZONES: [&str; 5] = [
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Seoul",
    "Australia/Sydney",
];

/// Days of `year` on which `time` does not exist (gap) or happens twice (fold) in `tz`.
fn odd_days(tz: Tz, year: i32, time: NaiveTime) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let mut gaps = Vec::new();
    let mut folds = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    while d.year() == year {
        match tz.from_local_datetime(&d.and_time(time)) {
            LocalResult::None => gaps.push(d),
            LocalResult::Ambiguous(..) => folds.push(d),
            LocalResult::Single(_) => {}
        }
        d = d.succ_opt().unwrap();
    }
    (gaps, folds)
}

/// The local times at which some day of `year` has a gap or a fold, on the half hour.
fn transition_times(tz: Tz, year: i32) -> Vec<NaiveTime> {
    let mut out = Vec::new();
    for h in 0..24 {
        let t = NaiveTime::from_hms_opt(h, 30, 0).unwrap();
        let (g, f) = odd_days(tz, year, t);
        if !g.is_empty() || !f.is_empty() {
            out.push(t);
        }
    }
    out
}

/// A daily window at `time` around `day`: one opening per local date, at the documented
/// instant. Returns the opening of `day`.
fn check_daily(tz: Tz, time: NaiveTime, minutes: u32, day: NaiveDate) -> DateTime<Utc> {
    let from = resolve(tz, (day - Duration::days(3)).and_time(NaiveTime::MIN));
    let to = resolve(tz, (day + Duration::days(4)).and_time(NaiveTime::MIN));
    let opens = openings(&Recurrence::Daily, time, minutes, tz, from, to);
    let dates: Vec<NaiveDate> = opens.iter().map(|o| o.date).collect();
    let mut expected = Vec::new();
    let mut d = opens.first().expect("some openings").date;
    while d <= opens.last().unwrap().date {
        expected.push(d);
        d = d.succ_opt().unwrap();
    }
    assert_eq!(
        dates, expected,
        "{tz} {time}: one opening per day, none skipped, none twice"
    );
    for o in &opens {
        assert!(o.end > o.start, "{tz} {}: ends after it starts", o.date);
        let local = o.date.and_time(time);
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => assert_eq!(o.start, t.with_timezone(&Utc)),
            // The first occurrence: the earlier instant.
            LocalResult::Ambiguous(first, second) => {
                assert_eq!(o.start, first.with_timezone(&Utc));
                assert!(o.start < second.with_timezone(&Utc));
            }
            // Moved forward by the gap: the wall clock then reads later than asked, on
            // the same date, and the instant is the one the offset before the gap gives.
            LocalResult::None => {
                let shown = o.start.with_timezone(&tz);
                assert_eq!(shown.date_naive(), o.date);
                assert!(
                    shown.time() > time,
                    "{tz}: {} moved forward from {time}",
                    shown.time()
                );
                let before = tz
                    .from_local_datetime(&(local - Duration::days(1)))
                    .earliest()
                    .unwrap();
                let offset = before.offset().fix_offset();
                assert_eq!(o.start, Utc.from_utc_datetime(&(local - offset)));
            }
        }
    }
    opens.iter().find(|o| o.date == day).unwrap().start
}

trait FixOffset {
    fn fix_offset(&self) -> Duration;
}
impl<O: chrono::Offset> FixOffset for O {
    fn fix_offset(&self) -> Duration {
        Duration::seconds(i64::from(self.fix().local_minus_utc()))
    }
}

#[test]
fn a_window_at_0230_on_the_change_days_of_berlin_and_sydney() {
    let t = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
    // Berlin 2026: clocks go forward on 29 March (02:00 → 03:00), back on 25 October.
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let spring = check_daily(berlin, t, 60, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
    assert_eq!(spring, Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap()); // 03:30 CEST
    let fall = check_daily(
        berlin,
        t,
        60,
        NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
    );
    assert_eq!(fall, Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()); // 02:30 CEST
                                                                             // Sydney 2026: forward on 4 October, back on 5 April.
    let sydney: Tz = "Australia/Sydney".parse().unwrap();
    let spring = check_daily(sydney, t, 60, NaiveDate::from_ymd_opt(2026, 10, 4).unwrap());
    assert_eq!(
        spring,
        Utc.with_ymd_and_hms(2026, 10, 3, 16, 30, 0).unwrap()
    ); // 03:30 AEDT
    let fall = check_daily(sydney, t, 60, NaiveDate::from_ymd_opt(2026, 4, 5).unwrap());
    assert_eq!(fall, Utc.with_ymd_and_hms(2026, 4, 4, 15, 30, 0).unwrap()); // 02:30 AEDT
}

#[test]
fn new_york_spring_forward_matches_rfc_5545s_own_example() {
    // RFC 5545 3.3.5: TZID=America/New_York:20070311T023000 is 03:30 EDT.
    let ny: Tz = "America/New_York".parse().unwrap();
    let t = resolve(
        ny,
        NaiveDate::from_ymd_opt(2007, 3, 11)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap(),
    );
    assert_eq!(t, Utc.with_ymd_and_hms(2007, 3, 11, 7, 30, 0).unwrap());
    // …and 20071104T013000 is the first 01:30, in EDT.
    let t = resolve(
        ny,
        NaiveDate::from_ymd_opt(2007, 11, 4)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap(),
    );
    assert_eq!(t, Utc.with_ymd_and_hms(2007, 11, 4, 5, 30, 0).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// For each zone and year: a daily window at 02:30, and at every local time that has
    /// a gap or fold that year, opens exactly once on every day around each change.
    #[test]
    fn windows_open_once_a_day_through_every_change(
        zone in 0..ZONES.len(),
        year in 2000i32..2038,
        minutes in 5u32..=1440,
    ) {
        let tz: Tz = ZONES[zone].parse().unwrap();
        let mut times = vec![NaiveTime::from_hms_opt(2, 30, 0).unwrap()];
        times.extend(transition_times(tz, year));
        for time in times {
            let (gaps, folds) = odd_days(tz, year, time);
            for day in gaps.iter().chain(folds.iter()) {
                check_daily(tz, time, minutes, *day);
            }
            // A quiet day as well: always a plain opening.
            check_daily(tz, time, minutes, NaiveDate::from_ymd_opt(year, 6, 15).unwrap());
        }
    }

    /// Monthly windows open once a month, on the nth weekday plus the offset.
    #[test]
    fn monthly_windows_open_once_a_month_on_the_right_day(
        nth in prop_oneof![Just(-1i8), 1i8..=4],
        weekday in 0usize..7,
        offset in 0u8..=27,
        year in 2020i32..2031,
    ) {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let day = Day::ALL[weekday];
        let rec = Recurrence::Monthly { nth, weekday: day, offset_days: offset };
        let from = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).unwrap();
        let t = NaiveTime::from_hms_opt(22, 0, 0).unwrap();
        let opens = openings(&rec, t, 60, tz, from, to);
        for o in &opens {
            let base = o.date - Duration::days(i64::from(offset));
            prop_assert_eq!(nth_weekday(base.year(), base.month(), day.weekday(), nth), Some(base));
            prop_assert_eq!(o.start.with_timezone(&tz).hour(), 22);
        }
        // Twelve bases in the year; with an offset some openings fall in the next year.
        let bases: Vec<_> = opens.iter().map(|o| (o.date - Duration::days(i64::from(offset))).month()).collect();
        let mut unique = bases.clone();
        unique.dedup();
        prop_assert_eq!(bases.len(), unique.len(), "never twice in a month");
        prop_assert!(opens.len() >= 11 && opens.len() <= 13);
    }
}

#[test]
fn patch_tuesday_is_the_second_tuesday() {
    assert_eq!(
        patch_tuesday(2026, 12),
        NaiveDate::from_ymd_opt(2026, 12, 8)
    );
    assert_eq!(
        patch_tuesday(2026, 11),
        NaiveDate::from_ymd_opt(2026, 11, 10)
    );
    assert_eq!(patch_tuesday(2027, 6), NaiveDate::from_ymd_opt(2027, 6, 8));
    for m in 1..=12 {
        let d = patch_tuesday(2030, m).unwrap();
        assert_eq!(d.weekday(), Weekday::Tue);
        assert!((8..=14).contains(&d.day()));
    }
}

fn rule(rec: Recurrence, start: &str, minutes: u32) -> WindowRule {
    WindowRule {
        name: "w".into(),
        recurrence: rec,
        start: parse_time(start).unwrap(),
        minutes,
    }
}

#[test]
fn first_fit_takes_the_first_window_long_enough_before_the_deadline() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    // Tuesday 22:00 for 6 hours (to 04:00 local).
    let tue = rule(
        Recurrence::Weekly {
            days: vec![Day::Tue],
        },
        "22:00",
        360,
    );
    // Available Monday 7 December 2026 09:00 UTC; deadline a week later.
    let available = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    let deadline = available + Duration::days(7);
    let at = first_fit(
        std::slice::from_ref(&tue),
        berlin,
        available,
        deadline,
        Duration::minutes(125),
        &[],
    );
    // Tuesday 8 December 22:00 CET = 21:00 UTC.
    assert_eq!(
        at,
        Some(Utc.with_ymd_and_hms(2026, 12, 8, 21, 0, 0).unwrap())
    );
    // Six hours do not hold a 6 h 5 min install: nothing fits.
    assert_eq!(
        first_fit(
            std::slice::from_ref(&tue),
            berlin,
            available,
            deadline,
            Duration::minutes(365),
            &[]
        ),
        None
    );
    // Already open at the available time: starts at once if the rest of it is long enough.
    let open = Utc.with_ymd_and_hms(2026, 12, 8, 22, 0, 0).unwrap();
    assert_eq!(
        first_fit(
            std::slice::from_ref(&tue),
            berlin,
            open,
            deadline,
            Duration::minutes(60),
            &[]
        ),
        Some(open)
    );
    // A deadline before the first opening: nothing fits.
    let early = Utc.with_ymd_and_hms(2026, 12, 8, 20, 0, 0).unwrap();
    assert_eq!(
        first_fit(
            std::slice::from_ref(&tue),
            berlin,
            available,
            early,
            Duration::minutes(60),
            &[]
        ),
        None
    );
    // A blackout over that Tuesday night moves the install to the next Tuesday.
    let freeze = Blackout {
        id: 1,
        name: "freeze".into(),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 8, 0, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap(),
    };
    let later = first_fit(
        &[tue],
        berlin,
        available,
        deadline + Duration::days(7),
        Duration::minutes(60),
        std::slice::from_ref(&freeze),
    );
    assert_eq!(
        later,
        Some(Utc.with_ymd_and_hms(2026, 12, 15, 21, 0, 0).unwrap())
    );
    // No windows: at the available time, or after a blackout.
    assert_eq!(
        first_fit(&[], berlin, available, deadline, Duration::minutes(60), &[]),
        Some(available)
    );
    let inside = Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).unwrap();
    assert_eq!(
        first_fit(
            &[],
            berlin,
            inside,
            deadline,
            Duration::minutes(60),
            std::slice::from_ref(&freeze)
        ),
        Some(freeze.ends_at)
    );
}

#[test]
fn bad_recurrences_and_times_are_refused_with_the_reason() {
    let e = Recurrence::Weekly { days: vec![] }.check().unwrap_err();
    assert!(e.contains("at least one day"), "{e}");
    let e = Recurrence::Monthly {
        nth: 5,
        weekday: Day::Tue,
        offset_days: 0,
    }
    .check()
    .unwrap_err();
    assert!(e.contains("1 to 4 or -1"), "{e}");
    let e = Recurrence::Monthly {
        nth: 2,
        weekday: Day::Tue,
        offset_days: 28,
    }
    .check()
    .unwrap_err();
    assert!(e.contains("0 to 27"), "{e}");
    assert!(parse_time("25:00").unwrap_err().contains("HH:MM"));
    assert_eq!(
        parse_time(" 07:05 ").unwrap(),
        NaiveTime::from_hms_opt(7, 5, 0).unwrap()
    );
}
