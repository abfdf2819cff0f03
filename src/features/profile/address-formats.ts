/**
 * Which postal address fields a country uses, what they are called and how a
 * postal code looks there. A small table of common countries; every other
 * country gets the default (street, city, optional region and postal code).
 * No I/O: the contact form and its validation both read it.
 */

export type AddressField = 'addressLine1' | 'addressLine2' | 'city' | 'region' | 'postalCode';

export type RegionLabel = 'state' | 'province' | 'county' | 'prefecture' | 'region' | 'emirate';
export type PostalLabel = 'zip' | 'postcode' | 'postalCode' | 'pin' | 'eircode';

export interface AddressFormat {
  /** The fields shown, in the order the country writes them. */
  readonly fields: readonly AddressField[];
  readonly required: readonly AddressField[];
  readonly regionLabel: RegionLabel;
  readonly postalLabel: PostalLabel;
  /** Whole-value pattern for the postal code (after trimming and upper-casing). */
  readonly postalPattern?: RegExp;
  /** An example shown as a hint under the postal code. */
  readonly postalExample?: string;
}

const STREET_CITY: AddressField[] = ['addressLine1', 'addressLine2', 'city'];

export const DEFAULT_FORMAT: AddressFormat = {
  fields: [...STREET_CITY, 'region', 'postalCode'],
  required: ['addressLine1', 'city'],
  regionLabel: 'region',
  postalLabel: 'postalCode',
};

/** Street and city, then a postal code before the city as most of Europe writes it. */
function european(postalPattern: RegExp, postalExample: string): AddressFormat {
  return {
    fields: ['addressLine1', 'addressLine2', 'postalCode', 'city'],
    required: ['addressLine1', 'postalCode', 'city'],
    regionLabel: 'region',
    postalLabel: 'postcode',
    postalPattern,
    postalExample,
  };
}

const FORMATS: Readonly<Record<string, AddressFormat>> = {
  US: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'state',
    postalLabel: 'zip',
    postalPattern: /^\d{5}(-\d{4})?$/,
    postalExample: '94105',
  },
  CA: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'province',
    postalLabel: 'postalCode',
    postalPattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/,
    postalExample: 'K1A 0B1',
  },
  GB: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'postalCode'],
    regionLabel: 'county',
    postalLabel: 'postcode',
    postalPattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/,
    postalExample: 'SW1A 1AA',
  },
  IE: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city'],
    regionLabel: 'county',
    postalLabel: 'eircode',
    postalPattern: /^[A-Z\d]{3} ?[A-Z\d]{4}$/,
    postalExample: 'D02 X285',
  },
  AU: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'state',
    postalLabel: 'postcode',
    postalPattern: /^\d{4}$/,
    postalExample: '2000',
  },
  NZ: {
    fields: [...STREET_CITY, 'postalCode'],
    required: ['addressLine1', 'city', 'postalCode'],
    regionLabel: 'region',
    postalLabel: 'postcode',
    postalPattern: /^\d{4}$/,
    postalExample: '6011',
  },
  IN: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'state',
    postalLabel: 'pin',
    postalPattern: /^\d{6}$/,
    postalExample: '110001',
  },
  JP: {
    fields: ['postalCode', 'region', 'city', 'addressLine1', 'addressLine2'],
    required: ['postalCode', 'region', 'city', 'addressLine1'],
    regionLabel: 'prefecture',
    postalLabel: 'postalCode',
    postalPattern: /^\d{3}-?\d{4}$/,
    postalExample: '100-0001',
  },
  CN: {
    fields: ['region', 'city', 'addressLine1', 'addressLine2', 'postalCode'],
    required: ['region', 'city', 'addressLine1'],
    regionLabel: 'province',
    postalLabel: 'postalCode',
    postalPattern: /^\d{6}$/,
    postalExample: '100000',
  },
  BR: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'state',
    postalLabel: 'postalCode',
    postalPattern: /^\d{5}-?\d{3}$/,
    postalExample: '01310-100',
  },
  MX: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'region', 'postalCode'],
    regionLabel: 'state',
    postalLabel: 'postalCode',
    postalPattern: /^\d{5}$/,
    postalExample: '06600',
  },
  SG: {
    fields: ['addressLine1', 'addressLine2', 'postalCode'],
    required: ['addressLine1', 'postalCode'],
    regionLabel: 'region',
    postalLabel: 'postalCode',
    postalPattern: /^\d{6}$/,
    postalExample: '018956',
  },
  HK: {
    fields: ['addressLine1', 'addressLine2', 'city', 'region'],
    required: ['addressLine1', 'region'],
    regionLabel: 'region',
    postalLabel: 'postalCode',
  },
  AE: {
    fields: ['addressLine1', 'addressLine2', 'city', 'region'],
    required: ['addressLine1', 'city', 'region'],
    regionLabel: 'emirate',
    postalLabel: 'postalCode',
  },
  ZA: {
    fields: [...STREET_CITY, 'region', 'postalCode'],
    required: ['addressLine1', 'city', 'postalCode'],
    regionLabel: 'province',
    postalLabel: 'postalCode',
    postalPattern: /^\d{4}$/,
    postalExample: '8001',
  },
  DE: european(/^\d{5}$/, '10115'),
  FR: european(/^\d{5}$/, '75008'),
  ES: european(/^\d{5}$/, '28013'),
  IT: european(/^\d{5}$/, '00184'),
  NL: european(/^\d{4} ?[A-Z]{2}$/, '1012 JS'),
  BE: european(/^\d{4}$/, '1000'),
  CH: european(/^\d{4}$/, '8001'),
  AT: european(/^\d{4}$/, '1010'),
  SE: european(/^\d{3} ?\d{2}$/, '111 22'),
  NO: european(/^\d{4}$/, '0150'),
  DK: european(/^\d{4}$/, '1050'),
  FI: european(/^\d{5}$/, '00100'),
  PL: european(/^\d{2}-\d{3}$/, '00-001'),
  PT: european(/^\d{4}-\d{3}$/, '1100-148'),
};

export function addressFormat(country: string): AddressFormat {
  return FORMATS[country] ?? DEFAULT_FORMAT;
}

/** The postal code as the country writes it: trimmed, upper-case, single spaces. */
export function normalizePostalCode(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, ' ');
}

export function isValidPostalCode(country: string, value: string): boolean {
  const pattern = addressFormat(country).postalPattern;
  return !pattern || pattern.test(normalizePostalCode(value));
}
