import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { Layout } from './components/layout.js';
import { LoadingState } from './components/loading-state.js';
import { useSession } from './session/session-context.js';

const SignInPage = lazy(() => import('./pages/sign-in-page.js'));
const DashboardPage = lazy(() => import('./pages/dashboard-page.js'));
const ModelPage = lazy(() => import('./pages/model-page.js'));
const TrainingPage = lazy(() => import('./pages/training-page.js'));
const KeysPage = lazy(() => import('./pages/keys-page.js'));

/** The dashboard's routes: sign-in when no key is held, else the models and one model's page (each its own chunk). */
export function App() {
  const { api } = useSession();
  if (!api) {
    return (
      <Suspense fallback={<LoadingState label="Loading" />}>
        <SignInPage />
      </Suspense>
    );
  }
  return (
    <Layout>
      <Suspense fallback={<LoadingState label="Loading page" />}>
        <Switch>
          <Route path="/" component={DashboardPage} />
          <Route path="/keys" component={KeysPage} />
          <Route path="/models/:model/training">{(params) => <TrainingPage model={params.model} />}</Route>
          <Route path="/models/:model">{(params) => <ModelPage model={params.model} />}</Route>
          <Route>
            <Redirect to="/" />
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}
