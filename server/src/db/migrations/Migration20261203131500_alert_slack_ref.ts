import { Migration } from '@mikro-orm/migrations';

/** The Slack message a delivery posted (alerts/channel-send.ts), so a resolve edits the firing message in place. */
export class Migration20261203131500_alert_slack_ref extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sla_alert_delivery" add column "slack_ref" varchar(256) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "sla_alert_delivery" drop column "slack_ref";`);
  }
}
