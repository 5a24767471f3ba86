// Owns the registry of the estimators mlserve evaluates natively: fully qualified class name (as
// the pickle names it) → builder. Adding an estimator is a builder in its family's file and one
// line here; a class not listed is refused at load time, by name and step path.

import type { EstimatorBuilder } from './estimator.js';
// Composition and preprocessing
import * as columns from './column-transformer.js';
import * as compose from './compose.js';
import * as encoders from './encoders.js';
import * as select from './feature-selection.js';
import * as fn from './function-transformer.js';
import * as impute from './impute.js';
import * as multiclass from './multiclass.js';
import * as polynomial from './polynomial.js';
import * as scalers from './scalers.js';
// Linear models
import * as linear from './linear.js';
// Trees and ensembles
import * as dummy from './dummy.js';
import * as forest from './forest.js';
import * as gb from './gradient-boosting.js';
import * as hgb from './hist-gradient-boosting.js';
import * as lightgbm from './lightgbm.js';
import * as tree from './tree.js';
import * as xgboost from './xgboost.js';

// SVM, neighbours, naive Bayes, clustering, decomposition
import * as cluster from './cluster.js';
import * as decomposition from './decomposition.js';
import * as naiveBayes from './naive-bayes.js';
import * as neighbors from './neighbors.js';
import * as svm from './svm.js';


/** Builders by fully qualified class name. */
export const ESTIMATORS: Readonly<Record<string, EstimatorBuilder>> = {
  // Composition: compose.ts
  'sklearn.pipeline.Pipeline': compose.pipeline,
  'sklearn.model_selection._search.GridSearchCV': compose.searchCv,
  'sklearn.model_selection._search.RandomizedSearchCV': compose.searchCv,
  'sklearn.model_selection._search_successive_halving.HalvingGridSearchCV': compose.searchCv,
  'sklearn.model_selection._search_successive_halving.HalvingRandomSearchCV': compose.searchCv,
  'sklearn.compose._column_transformer.ColumnTransformer': columns.columnTransformer,
  'sklearn.multiclass.OneVsRestClassifier': multiclass.oneVsRestClassifier,
  'sklearn.multiclass._ConstantPredictor': multiclass.constantPredictor,

  // Linear models: linear.ts
  'sklearn.linear_model._base.LinearRegression': linear.linearRegressor,
  'sklearn.linear_model._ridge.Ridge': linear.linearRegressor,
  'sklearn.linear_model._ridge.RidgeCV': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.Lasso': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.LassoCV': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.ElasticNet': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.ElasticNetCV': linear.linearRegressor,
  'sklearn.linear_model._stochastic_gradient.SGDRegressor': linear.sgdRegressor,
  'sklearn.svm._classes.LinearSVR': linear.linearRegressor,
  'sklearn.linear_model._logistic.LogisticRegression': linear.logisticRegression,
  'sklearn.linear_model._logistic.LogisticRegressionCV': linear.logisticRegression,
  'sklearn.linear_model._stochastic_gradient.SGDClassifier': linear.sgdClassifier,
  'sklearn.linear_model._ridge.RidgeClassifier': linear.ridgeClassifier,
  'sklearn.linear_model._ridge.RidgeClassifierCV': linear.ridgeClassifier,
  'sklearn.svm._classes.LinearSVC': linear.linearSvc,
  'sklearn.linear_model._perceptron.Perceptron': linear.sgdClassifier,
  'sklearn.linear_model._passive_aggressive.PassiveAggressiveClassifier': linear.sgdClassifier,
  'sklearn.linear_model._passive_aggressive.PassiveAggressiveRegressor': linear.sgdRegressor,
  'sklearn.linear_model._bayes.BayesianRidge': linear.linearRegressor,
  'sklearn.linear_model._bayes.ARDRegression': linear.linearRegressor,
  'sklearn.linear_model._huber.HuberRegressor': linear.linearRegressor,
  'sklearn.linear_model._least_angle.Lars': linear.linearRegressor,
  'sklearn.linear_model._least_angle.LassoLars': linear.linearRegressor,
  'sklearn.linear_model._least_angle.LassoLarsIC': linear.linearRegressor,
  'sklearn.linear_model._least_angle.LarsCV': linear.linearRegressor,
  'sklearn.linear_model._least_angle.LassoLarsCV': linear.linearRegressor,
  'sklearn.linear_model._omp.OrthogonalMatchingPursuit': linear.linearRegressor,
  'sklearn.linear_model._theil_sen.TheilSenRegressor': linear.linearRegressor,
  'sklearn.linear_model._quantile.QuantileRegressor': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.MultiTaskLasso': linear.linearRegressor,
  'sklearn.linear_model._coordinate_descent.MultiTaskElasticNet': linear.linearRegressor,
  'sklearn.linear_model._glm.glm.PoissonRegressor': linear.glmRegressor,
  'sklearn.linear_model._glm.glm.GammaRegressor': linear.glmRegressor,
  'sklearn.linear_model._glm.glm.TweedieRegressor': linear.glmRegressor,

  // Preprocessing: scalers.ts, encoders.ts, impute.ts, function-transformer.ts
  'sklearn.preprocessing._data.StandardScaler': scalers.standardScaler,
  'sklearn.preprocessing._data.MinMaxScaler': scalers.minMaxScaler,
  'sklearn.preprocessing._data.MaxAbsScaler': scalers.maxAbsScaler,
  'sklearn.preprocessing._data.RobustScaler': scalers.robustScaler,
  'sklearn.preprocessing._data.Normalizer': scalers.normalizer,
  'sklearn.preprocessing._data.Binarizer': scalers.binarizer,
  'sklearn.preprocessing._polynomial.PolynomialFeatures': polynomial.polynomialFeatures,
  'sklearn.feature_selection._variance_threshold.VarianceThreshold': select.featureSelector,
  'sklearn.feature_selection._univariate_selection.SelectKBest': select.featureSelector,
  'sklearn.feature_selection._univariate_selection.SelectPercentile': select.featureSelector,
  'sklearn.feature_selection._univariate_selection.SelectFpr': select.featureSelector,
  'sklearn.feature_selection._univariate_selection.SelectFdr': select.featureSelector,
  'sklearn.feature_selection._univariate_selection.SelectFwe': select.featureSelector,
  'sklearn.preprocessing._encoders.OneHotEncoder': encoders.oneHotEncoder,
  'sklearn.preprocessing._encoders.OrdinalEncoder': encoders.ordinalEncoder,
  'sklearn.preprocessing._label.LabelEncoder': encoders.labelEncoder,
  'sklearn.impute._base.SimpleImputer': impute.simpleImputer,
  'sklearn.impute._base.MissingIndicator': impute.missingIndicator,
  'sklearn.preprocessing._function_transformer.FunctionTransformer': fn.functionTransformer,

  // Trees and tree ensembles: tree.ts, forest.ts, gradient-boosting.ts, hist-gradient-boosting.ts
  'sklearn.tree._classes.DecisionTreeClassifier': tree.treeClassifier,
  'sklearn.tree._classes.DecisionTreeRegressor': tree.treeRegressor,
  'sklearn.tree._classes.ExtraTreeClassifier': tree.treeClassifier,
  'sklearn.tree._classes.ExtraTreeRegressor': tree.treeRegressor,
  'sklearn.ensemble._forest.RandomForestClassifier': forest.forestClassifier,
  'sklearn.ensemble._forest.RandomForestRegressor': forest.forestRegressor,
  'sklearn.ensemble._forest.ExtraTreesClassifier': forest.forestClassifier,
  'sklearn.ensemble._forest.ExtraTreesRegressor': forest.forestRegressor,
  'sklearn.ensemble._gb.GradientBoostingClassifier': gb.gradientBoostingClassifier,
  'sklearn.ensemble._gb.GradientBoostingRegressor': gb.gradientBoostingRegressor,
  'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier': hgb.histGradientBoostingClassifier,
  'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor': hgb.histGradientBoostingRegressor,
  'sklearn.dummy.DummyClassifier': dummy.dummyClassifier,
  'sklearn.dummy.DummyRegressor': dummy.dummyRegressor,

  // SVM, neighbours, naive Bayes, clustering, decomposition: svm.ts, neighbors.ts, naive-bayes.ts, cluster.ts, decomposition.ts
  'sklearn.svm._classes.SVC': svm.svc,
  'sklearn.svm._classes.NuSVC': svm.nuSvc,
  'sklearn.svm._classes.SVR': svm.svr,
  'sklearn.svm._classes.NuSVR': svm.nuSvr,
  'sklearn.svm._classes.OneClassSVM': svm.oneClassSvm,
  'sklearn.neighbors._classification.KNeighborsClassifier': neighbors.kNeighborsClassifier,
  'sklearn.neighbors._regression.KNeighborsRegressor': neighbors.kNeighborsRegressor,
  'sklearn.naive_bayes.GaussianNB': naiveBayes.gaussianNb,
  'sklearn.naive_bayes.MultinomialNB': naiveBayes.multinomialNb,
  'sklearn.naive_bayes.ComplementNB': naiveBayes.complementNb,
  'sklearn.naive_bayes.BernoulliNB': naiveBayes.bernoulliNb,
  'sklearn.cluster._kmeans.KMeans': cluster.kmeans,
  'sklearn.cluster._kmeans.MiniBatchKMeans': cluster.kmeans,
  'sklearn.decomposition._pca.PCA': decomposition.pca,
  'sklearn.decomposition._incremental_pca.IncrementalPCA': decomposition.pca,
  'sklearn.decomposition._truncated_svd.TruncatedSVD': decomposition.truncatedSvd,

  // Wrappers of other libraries (XGBoost, LightGBM): xgboost.ts, lightgbm.ts
  'xgboost.sklearn.XGBClassifier': xgboost.xgbClassifier,
  'xgboost.sklearn.XGBRegressor': xgboost.xgbRegressor,
  'lightgbm.sklearn.LGBMClassifier': lightgbm.lgbmClassifier,
  'lightgbm.sklearn.LGBMRegressor': lightgbm.lgbmRegressor,
  'lightgbm.sklearn.LGBMRanker': lightgbm.lgbmRegressor,

};
