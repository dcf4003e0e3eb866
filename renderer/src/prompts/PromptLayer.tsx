import { useSnapshot } from '../store/context';
import { PromptDialog } from './PromptDialog';

/** The oldest open question, as a modal; the next one follows once it is answered. */
export function PromptLayer() {
  const { prompts } = useSnapshot();
  const prompt = [...prompts].sort((a, b) => a.createdAt - b.createdAt)[0];
  if (prompt === undefined) return null;
  return <PromptDialog key={prompt.id} prompt={prompt} waiting={prompts.length - 1} />;
}
