import { Component, type ReactNode } from 'react';

interface ErrorBoundaryProps {
  /** What to show instead of the children once they threw while rendering. */
  readonly fallback: (error: unknown) => ReactNode;
  /** The children are tried again when this changes (another message, another conversation). */
  readonly resetKey?: unknown;
  readonly children: ReactNode;
}

type ErrorBoundaryState = { readonly failed: false } | { readonly failed: true; readonly error: unknown };

/**
 * Keeps a render error inside the part of the page that threw: without one, React unmounts the whole app and
 * the page goes blank, and a conversation that throws would blank it again on every reload. React itself
 * reports the error on the console.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { failed: true, error };
  }

  override componentDidUpdate(previous: ErrorBoundaryProps): void {
    if (this.state.failed && !Object.is(previous.resetKey, this.props.resetKey)) {
      this.setState({ failed: false });
    }
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.state.error) : this.props.children;
  }
}
