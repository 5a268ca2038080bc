import { describe, expect, it } from 'vitest';
import { Zone } from '../../../src-shared/config/zone';
import { scopeToModel, modelToScope } from './scope-lines';
import { formToModel, modelToForm, newZoneForm, parseTxt } from './zone-rows';

describe('records editor rows', () => {
  it('turns rows into a zone model the Zone schema accepts, and back into the same rows', () => {
    const form = newZoneForm('example.test');
    form.records = [
      { owner: '@', type: 'NS', ttl: '', value: 'ns1' },
      { owner: 'ns1', type: 'A', ttl: '600', value: '192.0.2.1' },
      { owner: '@', type: 'MX', ttl: '', value: '10 ns1' },
      { owner: '_sip._tcp', type: 'SRV', ttl: '', value: '10 5 5060 ns1' },
      { owner: '@', type: 'TXT', ttl: '', value: '"v=spf1 -all" "two \\"q\\""' },
    ];
    const model = formToModel(form);
    expect(Zone.safeParse(model).success).toBe(true);
    expect(modelToForm(model)).toEqual(form);
  });

  it('keeps what is not a number as text, so the schema names the field', () => {
    const form = newZoneForm('example.test');
    form.records[1] = { owner: 'ns1', type: 'A', ttl: 'soon', value: '192.0.2.1' };
    const r = Zone.safeParse(formToModel(form));
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['records.1.ttl']);
  });

  it('reads TXT strings as a zone file writes them', () => {
    expect(parseTxt('"a b" "c"')).toEqual(['a b', 'c']);
    expect(parseTxt('plain words')).toEqual(['plain words']);
  });

  it('turns scope lines into the model and back', () => {
    const form = {
      subnet: '10.0.0.0/24',
      id: '7',
      lifetime: '',
      pools: '10.0.0.100-10.0.0.200\n\n',
      options: 'routers 10.0.0.1',
      reservations: '10.0.0.5 52:54:00:aa:bb:cc pc5',
    };
    const model = scopeToModel(form);
    expect(model).toEqual({
      subnet: '10.0.0.0/24',
      id: 7,
      pools: [{ start: '10.0.0.100', end: '10.0.0.200' }],
      options: [{ name: 'routers', data: '10.0.0.1' }],
      reservations: [{ ipAddress: '10.0.0.5', hwAddress: '52:54:00:aa:bb:cc', hostname: 'pc5' }],
    });
    expect(modelToScope(model)).toEqual({ ...form, pools: '10.0.0.100-10.0.0.200' });
  });
});
