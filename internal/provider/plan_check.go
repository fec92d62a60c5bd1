// Plan-time existence check: a create of a configuration that exists fails
// at plan, not at apply.

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// planAbsent refuses, at plan, the create of a configuration that already
// exists and that no destroy of the same plan removes first. It reads the
// scope's shared view: one DescribeCallback per scope per plan, which the
// refresh has often made already. Credentials the API refuses fail here
// too, with the advice of the API's error.
func (r *liveCallbackResource) planAbsent(ctx context.Context, key callbackKey) diag.Diagnostics {
	var diags diag.Diagnostics
	_, exists, err := r.existing(ctx, key)
	if liveapi.IsNotFound(err) {
		// Only a warning: Terraform plans creates in refresh-only runs too,
		// which must not fail because a vhost is gone; and the vhost may be
		// made before the apply.
		diags.AddWarning("Live callback scope not found",
			fmt.Sprintf("Checking that %s does not exist yet: %s\n\nCreating it will fail unless the vhost or domain "+
				"exists by the time of the apply.", key, err))
		return diags
	}
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error planning Live callback "+key.String(),
			fmt.Errorf("checking that the configuration does not exist yet: %w", err)))
		return diags
	}
	if !exists {
		return diags
	}
	ours := func() bool { return r.ledger.holds(key) || r.shared.plans.destroyIsPlanned(key) }
	if ours() {
		return diags
	}
	// The resource that holds it may not be refreshed or planned yet, since
	// Terraform plans resources in any order; and Terraform plans each
	// create once more in the apply, where the delete of a resource renamed
	// without a moved block may be removing it meanwhile.
	r.shared.sched.awaitDeletes(ctx, false, func() int {
		if ours() {
			return 0
		}
		if _, still, err := r.existing(ctx, key); still && err == nil {
			return 1
		}
		return 0
	})
	if ours() {
		return diags
	}
	if existing, exists, err := r.existing(ctx, key); err == nil && exists {
		diags.Append(alreadyExistsDiagnostic(key, existing))
	}
	return diags
}

// alreadyExistsDiagnostic refuses to take over a configuration that exists,
// with the import block that adopts it.
func alreadyExistsDiagnostic(key callbackKey, existing liveapi.Callback) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Live callback already exists",
		fmt.Sprintf("%s already exists (created %s), so creating it would overwrite a configuration that Terraform "+
			"does not manage. To manage it with this resource, import it by adding this block to the configuration "+
			"and applying again:\n\nimport {\n  to = <this resource's address>\n  id = %q\n}\n\n"+
			"or run: terraform import <this resource's address> %s\n\n"+
			"If another resource of this configuration managed it and was renamed or removed in the same run, "+
			"declare the rename with a moved block, or apply again once that resource is destroyed.",
			key, existing.CreateTime, key.String(), key.String()))
}
