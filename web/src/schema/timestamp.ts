// Schema.Date values: ISO-8601 text as Date.prototype.toISOString() writes it. Parsing follows
// runt's C++ codec (timestamp.cpp) rather than `new Date(text)`, because `Date` reads a
// date-time without a zone in the reader's local time and accepts legacy forms, which would
// make two clients decode the same log differently.

const MS_PER_DAY = 86_400_000
// ECMAScript time values span ±100,000,000 days around the epoch.
const MAX_TIME_VALUE = 8_640_000_000_000_000

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

// Exactly `n` ASCII digits at `at`, or -1.
function digitsAt(s: string, at: number, n: number): number {
  if (at + n > s.length) return -1
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(at + i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

// Milliseconds since the epoch, or null when the text is not an ECMAScript date-time string
// (YYYY[-MM[-DD]] with optional THH:mm[:ss[.fraction]] and Z or ±hh:mm; years also ±YYYYYY).
// A date-time without a zone is read as UTC; days 01–31 roll over as in V8.
export function parseIso(s: string): number | null {
  let pos = 0
  let year: number
  const first = s.charAt(0)
  if (first === '+' || first === '-') {
    const y = digitsAt(s, 1, 6)
    if (y < 0 || (first === '-' && y === 0)) return null
    year = first === '-' ? -y : y
    pos = 7
  } else {
    year = digitsAt(s, 0, 4)
    if (year < 0) return null
    pos = 4
  }
  let month = 1
  let day = 1
  if (s.charAt(pos) === '-') {
    month = digitsAt(s, pos + 1, 2)
    if (month < 1 || month > 12) return null
    pos += 3
    if (s.charAt(pos) === '-') {
      day = digitsAt(s, pos + 1, 2)
      if (day < 1 || day > 31) return null
      pos += 3
    }
  }
  let hh = 0
  let mm = 0
  let ss = 0
  let ms = 0
  let offsetMin = 0
  if (pos < s.length) {
    if (s.charAt(pos) !== 'T') return null
    hh = digitsAt(s, pos + 1, 2)
    if (hh < 0 || s.charAt(pos + 3) !== ':') return null
    mm = digitsAt(s, pos + 4, 2)
    if (mm < 0) return null
    pos += 6
    if (s.charAt(pos) === ':') {
      ss = digitsAt(s, pos + 1, 2)
      if (ss < 0) return null
      pos += 3
      if (s.charAt(pos) === '.') {
        pos++
        let n = 0
        let scale = 100
        while (pos < s.length && s.charCodeAt(pos) >= 48 && s.charCodeAt(pos) <= 57) {
          if (n < 3) ms += (s.charCodeAt(pos) - 48) * scale // further digits are truncated
          scale /= 10
          n++
          pos++
        }
        if (n === 0) return null
      }
    }
    const endOfDay = hh === 24 && mm === 0 && ss === 0 && ms === 0
    if ((hh > 23 && !endOfDay) || mm > 59 || ss > 59) return null
    const zone = s.charAt(pos)
    if (zone === 'Z') {
      pos++
    } else if (zone === '+' || zone === '-') {
      const oh = digitsAt(s, pos + 1, 2)
      if (oh < 0 || s.charAt(pos + 3) !== ':') return null
      const om = digitsAt(s, pos + 4, 2)
      if (om < 0 || oh > 23 || om > 59) return null
      offsetMin = (zone === '+' ? 1 : -1) * (oh * 60 + om)
      pos += 6
    }
  }
  if (pos !== s.length) return null
  const value = daysFromCivil(year, month, day) * MS_PER_DAY + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms - offsetMin * 60_000
  if (value < -MAX_TIME_VALUE || value > MAX_TIME_VALUE) return null
  return value
}

// `YYYY-MM-DDTHH:mm:ss.sssZ` (±YYYYYY outside years 0000–9999), as toISOString() writes it.
export function formatIso(ms: number): string {
  return new Date(ms).toISOString()
}

// A Date as a Schema.Date value, for events this client commits.
export function isoDate(date: Date): string {
  return date.toISOString()
}
