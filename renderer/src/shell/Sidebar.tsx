import { Button } from 'react-aria-components';
import { BrandMark } from '../ui/BrandMark';
import { Icon } from '../ui/Icon';
import { SECTIONS, type SectionId } from './sections';

export function Sidebar({ section, onSelect, badges }: { section: SectionId; onSelect: (id: SectionId) => void; badges: Partial<Record<SectionId, number>> }) {
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <BrandMark />
        <h1>Porthole</h1>
      </div>
      <ul>
        {SECTIONS.map(({ id, label, icon }) => {
          const badge = badges[id];
          return (
            <li key={id}>
              <Button className={id === section ? 'nav-item active' : 'nav-item'} aria-current={id === section ? 'page' : undefined} onPress={() => onSelect(id)}>
                <Icon name={icon} />
                <span className="nav-label">{label}</span>
                {badge ? (
                  <span className="nav-badge" aria-label={`${badge} running`}>
                    {badge}
                  </span>
                ) : null}
              </Button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
