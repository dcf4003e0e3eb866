import type { ReactNode } from 'react';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';

/** A short "more about this" aside, closed until asked for: a real button (Tab, Enter, Space) that says whether it is open. */
export function MoreInfo({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Disclosure className="more-info">
      <Heading level={3} className="more-info-heading">
        <Button slot="trigger" className="more-info-trigger">
          <span className="disclosure-chevron" aria-hidden="true" />
          {title}
        </Button>
      </Heading>
      <DisclosurePanel className="more-info-panel">{children}</DisclosurePanel>
    </Disclosure>
  );
}
