import { expect, type Locator, type Page } from '@playwright/test';

export interface ReservationInput {
  ipAddress: string;
  hwAddress: string;
  hostname?: string;
}

type Field = 'Address' | 'MAC' | 'Host name';

/**
 * A scope's Reservations editor (Zones & Scopes → a scope → Reservations) as a test sees it: the intended
 * list by MAC, the form's fields by label, each field's inline problem as that field's accessible
 * description (what a screen reader says with it), and the button that plans the change as a push.
 */
export class ReservationsEditor {
  readonly section: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly form: Locator;
  readonly add: Locator;
  readonly previewAndPush: Locator;
  readonly discard: Locator;
  readonly allowInPool: Locator;
  readonly refused: Locator;

  constructor(
    readonly page: Page,
    readonly subnet: string,
  ) {
    this.section = page.getByRole('main', { name: 'Zones & Scopes' }).getByTestId('reservations');
    this.table = this.section.getByRole('table', { name: `Reservations of ${subnet}` });
    this.rows = this.table.locator('tbody tr[data-mac]');
    this.form = this.section.getByRole('form', { name: /^(Add a|Edit the) reservation$/ });
    this.add = this.form.getByRole('button', { name: 'Add', exact: true });
    this.previewAndPush = this.section.getByRole('button', { name: 'Preview and push' });
    this.discard = this.section.getByRole('button', { name: 'Discard changes' });
    this.allowInPool = this.section.getByRole('checkbox', { name: /^Allow reservations inside a pool/ });
    this.refused = this.section.getByTestId('reservations-refused');
  }

  /** Opens the editor from an open scope's detail and waits for the intended list. */
  async open(): Promise<void> {
    await this.page
      .getByRole('main', { name: 'Zones & Scopes' })
      .locator('.object-detail')
      .getByRole('button', { name: 'Reservations', exact: true })
      .click();
    await expect(this.table).toBeVisible();
  }

  field(label: Field): Locator {
    return this.form.getByRole('textbox', { name: label, exact: true });
  }

  /** The reservation of this MAC in the working list. */
  row(hwAddress: string): Locator {
    return this.rows.and(this.page.locator(`[data-mac="${hwAddress}"]`));
  }

  /** Types a reservation into the form (Host name cleared when not given); does not add it. */
  async type(r: ReservationInput): Promise<void> {
    await this.field('Address').fill(r.ipAddress);
    await this.field('MAC').fill(r.hwAddress);
    await this.field('Host name').fill(r.hostname ?? '');
  }

  /** Types a reservation and adds it to the working list (nothing is sent). */
  async addReservation(r: ReservationInput): Promise<void> {
    await this.type(r);
    await this.add.click();
    await expect(this.row(r.hwAddress.toLowerCase())).toBeVisible();
  }
}
