import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PolicyCatalogue } from '../../src/core/eligibility/policy-catalogue.js';
import { validatePolicy, type Policy } from '../../src/core/eligibility/policy.js';
import { BUNDLED_POLICY_DIR, DEFAULT_POLICY_ID, loadConfiguredPolicies, loadPolicyCatalogue, loadPolicyFile } from '../../src/policies/load-policies.js';

const bundled = JSON.parse(readFileSync(join(BUNDLED_POLICY_DIR, `${DEFAULT_POLICY_ID}.json`), 'utf8')) as Policy;
const mutate = (change: (policy: Record<string, any>) => void): unknown => {
  const copy = structuredClone(bundled) as unknown as Record<string, any>;
  change(copy);
  return copy;
};

t.test('the bundled Zibo policy: measure 2 thresholds and amounts', async (t) => {
  const policy = loadPolicyCatalogue().get();
  t.equal(policy.id, DEFAULT_POLICY_ID);
  t.equal(policy.document, '淄政办发〔2020〕11号');
  t.equal(policy.timeZone, 'Asia/Shanghai');
  t.match(policy.awards, [
    { id: 'throughput', maxAmount: 1_000_000, criteria: [{ metric: 'registrations', comparison: 'gt', threshold: 10_000_000 }, { metric: 'daily-average-resolutions', comparison: 'gt', threshold: 3_000_000 }] },
    { id: 'top-level-connection', maxAmount: 10_000_000, criteria: [{ metric: 'top-level-connection' }] },
  ]);
  t.same(policy.countedResolutionKinds, ['resolution.cache-hit', 'resolution.store-read', 'resolution.referred'], 'not-found answers are not counted');
});

t.test('a malformed policy is refused naming the field', async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ['misspelt field', mutate((p) => { p.awards[0].criteria[1].threshhold = 5; }), /awards\[0\]\.criteria\[1\]\.threshhold is not a policy field/],
    ['missing threshold', mutate((p) => { delete p.awards[0].criteria[0].threshold; }), /awards\[0\]\.criteria\[0\]\.threshold is required for metric registrations/],
    ['missing comparison', mutate((p) => { delete p.awards[0].criteria[0].comparison; }), /awards\[0\]\.criteria\[0\]\.comparison is required/],
    ['threshold as text', mutate((p) => { p.awards[0].criteria[0].threshold = 'ten million'; }), /awards\[0\]\.criteria\[0\]\.threshold must be an integer, got "ten million"/],
    ['negative amount', mutate((p) => { p.awards[1].maxAmount = -1; }), /awards\[1\]\.maxAmount must be/],
    ['missing currency', mutate((p) => { delete p.currency; }), /: currency is missing/],
    ['unknown kind', mutate((p) => { p.countedResolutionKinds = ['resolution.guess']; }), /countedResolutionKinds\[0\] must be one of "resolution.cache-hit"/],
    ['unknown metric', mutate((p) => { p.awards[0].criteria[0].metric = 'revenue'; }), /awards\[0\]\.criteria\[0\]\.metric must be one of/],
    ['unknown time zone', mutate((p) => { p.timeZone = 'Mars/Olympus'; }), /timeZone must be an IANA time zone/],
    ['threshold on a connection', mutate((p) => { p.awards[1].criteria[0].threshold = 1; }), /awards\[1\]\.criteria\[0\]\.threshold must be absent/],
    ['duplicate award', mutate((p) => { p.awards[1].id = 'throughput'; }), /awards\[1\]\.id repeats "throughput"/],
    ['duplicate criterion', mutate((p) => { p.awards[0].criteria[1].id = p.awards[0].criteria[0].id; }), /awards\[0\]\.criteria\[1\]\.id repeats/],
    ['kinds on registrations', mutate((p) => { p.awards[0].criteria[0].countedResolutionKinds = ['resolution.cache-hit']; }), /criteria\[0\]\.countedResolutionKinds applies to resolution metrics only/],
    ['no awards', mutate((p) => { p.awards = []; }), /awards must be/],
    ['not an object', [], /the document must be/],
  ];
  for (const [name, input, message] of cases) {
    t.throws(() => validatePolicy(input, 'policies/test.json'), { code: 'POLICY_INVALID', message }, name);
  }
  t.throws(() => validatePolicy({}, 'policies/empty.json'), { message: /^policy policies\/empty\.json: / }, 'the message names the file');
});

t.test('policy files: loaded from directories, id = file name, unique, default known', async (t) => {
  const dir = t.testdir();
  const other = mutate((p) => {
    p.id = 'other-city-2024';
    p.awards[0].criteria[0].threshold = 5_000_000;
  });
  writeFileSync(join(dir, 'other-city-2024.json'), JSON.stringify(other));
  const catalogue = loadPolicyCatalogue([BUNDLED_POLICY_DIR, dir]);
  t.same(catalogue.list().map((policy) => policy.id).sort(), ['other-city-2024', DEFAULT_POLICY_ID]);
  t.equal(catalogue.get('other-city-2024').awards[0]!.criteria[0]!.threshold, 5_000_000);
  t.throws(() => catalogue.get('nope'), { code: 'POLICY_NOT_FOUND', message: /no policy "nope"; known policies: / });
  t.equal(loadPolicyCatalogue([dir], 'other-city-2024').defaultId, 'other-city-2024');
  t.throws(() => loadPolicyCatalogue([dir]), { code: 'CONFIG_INVALID', message: /default policy "zibo-2020-11-measure-2" is not among/ });
  t.throws(() => loadPolicyCatalogue([join(dir, 'missing')]), { code: 'CONFIG_INVALID', message: /cannot read the policy directory/ });

  const duplicate = join(dir, 'dup');
  mkdirSync(duplicate);
  writeFileSync(join(duplicate, 'other-city-2024.json'), JSON.stringify(other));
  t.throws(() => loadPolicyCatalogue([dir, duplicate], 'other-city-2024'), { code: 'POLICY_INVALID', message: /already defined/ });

  writeFileSync(join(dir, 'renamed.json'), JSON.stringify(other));
  t.throws(() => loadPolicyFile(join(dir, 'renamed.json')), { code: 'POLICY_INVALID', message: /id "other-city-2024" must equal the file name "renamed"/ });
  writeFileSync(join(dir, 'broken.json'), '{"id": ');
  t.throws(() => loadPolicyFile(join(dir, 'broken.json')), { code: 'POLICY_INVALID', message: /broken\.json is not valid JSON/ });
  t.throws(() => loadPolicyFile(join(dir, 'absent.json')), { code: 'POLICY_INVALID', message: /cannot be read/ });
  t.equal(PolicyCatalogue.of([bundled], DEFAULT_POLICY_ID).get().id, DEFAULT_POLICY_ID);
});

t.test('the configured catalogue: the bundled policies, then policyDir, with the configured default', async (t) => {
  t.equal(loadConfiguredPolicies({}).defaultId, DEFAULT_POLICY_ID);
  t.same(loadConfiguredPolicies({}).list().map((policy) => policy.id), [DEFAULT_POLICY_ID]);
  const dir = t.testdir({ 'other-city-2024.json': JSON.stringify(mutate((p) => { p.id = 'other-city-2024'; })) });
  const configured = loadConfiguredPolicies({ policyDir: dir, defaultPolicy: 'other-city-2024' });
  t.equal(configured.defaultId, 'other-city-2024');
  t.same(configured.list().map((policy) => policy.id), [DEFAULT_POLICY_ID, 'other-city-2024'], 'bundled first');
  t.throws(() => loadConfiguredPolicies({ defaultPolicy: 'other-city-2024' }), { code: 'CONFIG_INVALID', message: /default policy "other-city-2024" is not among the policies loaded \(zibo-2020-11-measure-2\)/ });
});

t.test('a catalogue built in memory refuses an id given twice and an unknown default', async (t) => {
  t.throws(() => PolicyCatalogue.of([bundled, bundled], DEFAULT_POLICY_ID), { code: 'POLICY_INVALID', message: `policy id "${DEFAULT_POLICY_ID}" is given twice` });
  t.throws(() => PolicyCatalogue.of([], DEFAULT_POLICY_ID), { code: 'CONFIG_INVALID', message: `the default policy "${DEFAULT_POLICY_ID}" is not among the policies loaded (none)` });
});
