/**
 * Unit words. Unlike the reference graders, single letters are never taken as units when they
 * stand bare in the math (`4t`, `2a`, `c` are variables); a letter counts as a unit only inside
 * `\text{}`/`\mbox{}`/`\mathrm{}` after a value, where it cannot be a variable.
 */
const UNIT_WORDS = [
  // length
  'mm',
  'cm',
  'km',
  'm',
  'meter',
  'meters',
  'metre',
  'metres',
  'millimeter',
  'millimeters',
  'centimeter',
  'centimeters',
  'kilometer',
  'kilometers',
  'in',
  'inch',
  'inches',
  'ft',
  'foot',
  'feet',
  'yd',
  'yard',
  'yards',
  'mi',
  'mile',
  'miles',
  // area / volume
  'sq',
  'square',
  'cubic',
  'acre',
  'acres',
  'l',
  'ml',
  'liter',
  'liters',
  'litre',
  'litres',
  'milliliter',
  'milliliters',
  'gallon',
  'gallons',
  'quart',
  'quarts',
  'pint',
  'pints',
  'cup',
  'cups',
  // mass
  'g',
  'kg',
  'mg',
  'gram',
  'grams',
  'kilogram',
  'kilograms',
  'lb',
  'lbs',
  'pound',
  'pounds',
  'oz',
  'ounce',
  'ounces',
  'ton',
  'tons',
  // time
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hr',
  'hrs',
  'hour',
  'hours',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'years',
  // speed and rates
  'mph',
  'kph',
  'kmh',
  'per',
  // money
  'dollar',
  'dollars',
  'cent',
  'cents',
  'euro',
  'euros',
  // angles and misc
  'degree',
  'degrees',
  'deg',
  'radian',
  'radians',
  'rad',
  'unit',
  'units',
  'percent',
  'people',
  'persons',
  'students',
  'times',
  'ways',
];

const UNITS = new Set(UNIT_WORDS);

/** Multi-letter unit words that may stand bare after a number (`5 cm`, `12 inches`). */
export function isBareUnitWord(word: string): boolean {
  return word.length >= 2 && UNITS.has(word.toLowerCase());
}

/**
 * Whether `\text{...}` content is a unit phrase (`cm`, ` square units`, `m/s`, `miles per hour`,
 * `cm^2`). Any run of purely alphabetic words is taken as a label after a value: `5\text{ apples}`
 * means 5. Connectives are not labels.
 */
export function isUnitText(content: string): boolean {
  const words = content
    .replace(/\\[a-zA-Z]+/g, ' ')
    .replace(/[\^{}0-9/().\-$]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return false;
  if (words.length === 1 && CONNECTIVES.has(words[0]?.toLowerCase() ?? '')) return false;
  return words.every((w) => /^[A-Za-z]+$/.test(w) && !CONNECTIVES.has(w.toLowerCase()));
}

export const CONNECTIVES = new Set(['and', 'or', 'plus', 'minus']);
