package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CalendarSpanTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Midnight did not exist there on 2018-11-04: clocks went from 23:59:59 to 01:00. */
    private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void day_inZone_startsAtLocalMidnight() {
        CalendarSpan d = CalendarSpan.day(at("2024-05-01T22:30:00Z"), BERLIN); // 00:30 on 2 May in Berlin
        assertEquals(LocalDate.of(2024, 5, 2).toEpochDay(), d.number());
        assertEquals(at("2024-05-01T22:00:00Z"), d.start());
        assertEquals(at("2024-05-02T22:00:00Z"), d.end());
        assertTrue(d.contains(d.start()));
        assertFalse(d.contains(d.end()));
    }

    @Test
    void day_dstChanges_23And25Hours() {
        CalendarSpan spring = CalendarSpan.day(at("2024-03-31T12:00:00Z"), BERLIN);
        assertEquals(Duration.ofHours(23).toMillis(), spring.end() - spring.start());
        CalendarSpan autumn = CalendarSpan.day(at("2024-10-27T12:00:00Z"), BERLIN);
        assertEquals(Duration.ofHours(25).toMillis(), autumn.end() - autumn.start());
    }

    @Test
    void day_midnightInDstGap_startsAtFirstLocalMoment() {
        CalendarSpan d = CalendarSpan.day(at("2018-11-04T12:00:00Z"), SAO_PAULO);
        assertEquals(at("2018-11-04T03:00:00Z"), d.start()); // 01:00 local, -02:00
        assertEquals(Duration.ofHours(23).toMillis(), d.end() - d.start());
        CalendarSpan before = CalendarSpan.day(d.start() - 1, SAO_PAULO);
        assertEquals(d.start(), before.end()); // no gap and no overlap between the days
    }

    @Test
    void week_mondayToMonday() {
        CalendarSpan w = CalendarSpan.week(at("2024-05-05T21:59:59Z"), BERLIN); // Sunday 23:59:59 local
        assertEquals(LocalDate.of(2024, 4, 29).toEpochDay(), w.number()); // Monday 29 April
        assertEquals(at("2024-04-28T22:00:00Z"), w.start());
        assertEquals(at("2024-05-05T22:00:00Z"), w.end());
        assertEquals(
                w.end(), CalendarSpan.week(at("2024-05-05T22:00:00Z"), BERLIN).start());
    }

    @Test
    void week_acrossDstChange_isOneHourShort() {
        CalendarSpan w = CalendarSpan.week(at("2024-03-31T12:00:00Z"), BERLIN);
        assertEquals(Duration.ofDays(7).minusHours(1).toMillis(), w.end() - w.start());
    }

    @Test
    void month_firstToFirst_leapFebruary() {
        CalendarSpan m = CalendarSpan.month(at("2024-02-29T23:30:00Z"), BERLIN); // 1 March 00:30 in Berlin
        assertEquals(LocalDate.of(2024, 3, 1).toEpochDay(), m.number());
        CalendarSpan feb = CalendarSpan.month(at("2024-02-15T00:00:00Z"), BERLIN);
        assertEquals(at("2024-01-31T23:00:00Z"), feb.start());
        assertEquals(at("2024-02-29T23:00:00Z"), feb.end());
        assertEquals(feb.end(), m.start());
    }

    @Test
    void total_containsEverything() {
        assertTrue(CalendarSpan.TOTAL.contains(Long.MIN_VALUE));
        assertTrue(CalendarSpan.TOTAL.contains(Long.MAX_VALUE - 1));
        assertEquals(Long.MAX_VALUE, CalendarSpan.TOTAL.end());
    }
}
