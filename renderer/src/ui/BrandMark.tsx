import iconUrl from '../../../assets/icon.svg';

/** Porthole's own icon (the one the tray and the installer use); decorative beside the name. */
export function BrandMark({ size = 'small' }: { size?: 'small' | 'large' }) {
  return <img className={`brand-mark brand-mark-${size}`} src={iconUrl} alt="" />;
}
