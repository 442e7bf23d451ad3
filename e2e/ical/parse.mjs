// Read a calendar file the way Mozilla's calendar does (ical.js) and print its events as JSON.
//
//   node e2e/ical/parse.mjs FILE
//
// Prints {"method", "name", "timezones", "events": [{uid, sequence, summary, start, end, tz,
// status, class, description, location}]}, with start and end as UTC ISO instants. The test
// suite compares them with what the server meant to say.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node e2e/ical/parse.mjs FILE");
  process.exit(2);
}

const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));

// A client must know each VTIMEZONE before it can place a TZID time on the timeline; without
// this step ical.js would treat the times as floating and the UTC values below would be wrong.
const timezones = calendar.getAllSubcomponents("vtimezone").map((vtimezone) => {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  return zone.tzid;
});

const utc = (time) => time.convertToZone(ICAL.Timezone.utcTimezone).toString();
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    start: utc(event.startDate),
    end: utc(event.endDate),
    tz: event.startDate.zone ? event.startDate.zone.tzid : null,
    status: vevent.getFirstPropertyValue("status"),
    class: vevent.getFirstPropertyValue("class"),
    description: event.description,
    location: event.location,
  };
});

console.log(
  JSON.stringify({
    method: calendar.getFirstPropertyValue("method"),
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    timezones,
    events,
  }),
);
