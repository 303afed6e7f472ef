#!/usr/bin/env node
// Writes N contacts as .jsonl (dppbridge contact import) for the send and end-to-end benchmarks.
//   node bench/gen-contacts.js N [--extras] > contacts.jsonl
// Every contact has 10 fields; with --extras also a 36-payment monthly plan and budget values
// keyed by the field names of conf/demo/budget-1001.csv.
'use strict';
const count = Number(process.argv[2]);
const extras = process.argv.includes('--extras');
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: gen-contacts.js N [--extras]');
  process.exit(2);
}
const firstNames = ['Mike', 'Anna', 'José', 'Li', 'Fatima', "O'Neil", 'Zoë', 'Sam'];
const lastNames = ['Smith', 'García', 'Nguyen', 'Müller', 'Brown', 'Khan'];
const cities = [['Santa Monica', 'CA'], ['Austin', 'TX'], ['New York', 'NY'], ['Miami', 'FL']];
const pad = (n, width) => String(n).padStart(width, '0');

function plan(i) {
  const cents = 25000 + (i * 37) % 10000;
  const amount = (cents / 100).toFixed(2);
  const payments = [];
  for (let n = 1; n <= 36; n++) {
    const month = 11 + n; // December 2026 first
    const year = 2026 + Math.floor((month - 1) / 12);
    payments.push({ n, date: `${year}-${pad(((month - 1) % 12) + 1, 2)}-15`, amount });
  }
  return { name: 'Standard 36', length: 36, frequency: 'monthly', payment_amount: amount,
           first_payment_date: '2026-12-15',
           fees: [{ name: 'Enrollment fee', amount: '49.00' }], payments };
}

const out = [];
let pending = 0;
for (let i = 0; i < count; i++) {
  const [city, state] = cities[i % cities.length];
  const contact = {
    firstname: firstNames[i % firstNames.length], lastname: `${lastNames[i % 6]}-${i}`,
    email: `contact${i}@example.com`, cellphone: '555' + pad(i % 10000000, 7),
    address1: `${10 + (i % 990)} Ocean Ave`, city, state, zip: pad(90000 + (i % 9999), 5),
    dob: `1980-04-${pad((i % 28) + 1, 2)}`, campaign: i % 2 ? 'Fall mailer' : 'Spring & Summer',
  };
  if (extras) {
    contact.plan = plan(i);
    contact.budget = { 'Rent': (1200 + (i % 100)).toFixed(2), 'Car Payment 1': '350.00',
                       'Utilities - Electric': '89.99', 'Groceries': '600.00' };
  }
  out.push(JSON.stringify(contact));
  if (++pending === 5000) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
    pending = 0;
  }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
