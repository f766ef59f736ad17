// nm_router - five-port mesh router: dimension-order (X then Y) routing, one input
// FIFO per port, round-robin arbitration per output, valid/ready on every link.
// Port order everywhere: 0 local, 1 east (+x), 2 west (-x), 3 north (+y), 4 south (-y).
// Flit = {delay[3:0], axon[7:0], dy[8:0], dx[8:0]}: the remaining offset to the
// destination core; each hop moves dx (first) or dy one step toward 0. See docs/chip.md.
module nm_router #(
  parameter FifoDepth = 4
) (
  input  wire          clk_i,
  input  wire          rst_ni,
  input  wire [4:0]    in_valid_i,
  output wire [4:0]    in_ready_o,
  input  wire [149:0]  in_flit_i,    // port p in bits 30p+29 .. 30p
  output reg  [4:0]    out_valid_o,
  input  wire [4:0]    out_ready_i,
  output reg  [149:0]  out_flit_o,
  output wire          idle_o,       // every input FIFO empty
  input  wire [2:0]    cnt_sel_i,    // 0..4: flits forwarded on output port; 5: stall cycles
  output reg  [31:0]   cnt_o,
  input  wire          cnt_we_i,     // write cnt_wdata_i to the selected counter
  input  wire [31:0]   cnt_wdata_i
);
  localparam NumPorts = 5;
  localparam FlitW    = 30;
  localparam PortL = 0, PortE = 1, PortW = 2, PortN = 3, PortS = 4;

  wire [FlitW-1:0] head [0:NumPorts-1];
  wire [NumPorts-1:0] empty, full;
  reg  [NumPorts-1:0] pop;
  reg  [NumPorts-1:0] req [0:NumPorts-1];   // req[i][o]: head of input i wants output o
  reg  [2:0] grant [0:NumPorts-1];          // input granted on output o
  reg  [NumPorts-1:0] granted;              // output o has a grant
  reg  [2:0] last_q [0:NumPorts-1], last_d [0:NumPorts-1];
  reg  [31:0] flits_q [0:NumPorts-1];
  reg  [31:0] stall_q;

  genvar gp;
  generate
    for (gp = 0; gp < NumPorts; gp = gp + 1) begin : g_in
      nm_fifo #(.Width(FlitW), .Depth(FifoDepth)) u_fifo (
        .clk_i   (clk_i),
        .rst_ni  (rst_ni),
        .push_i  (in_valid_i[gp] && !full[gp]),   // valid/ready: a full FIFO holds off
        .data_i  (in_flit_i[FlitW*gp +: FlitW]),
        .pop_i   (pop[gp]),
        .data_o  (head[gp]),
        .empty_o (empty[gp]),
        .full_o  (full[gp])
      );
      assign in_ready_o[gp] = !full[gp];
    end
  endgenerate

  assign idle_o = &empty;

  // Route of each head flit.
  integer i, o, k;
  always @* begin
    for (i = 0; i < NumPorts; i = i + 1) begin
      req[i] = {NumPorts{1'b0}};
      if (!empty[i]) begin
        if (!head[i][8] && head[i][8:0] != 9'd0)        req[i][PortE] = 1'b1;
        else if (head[i][8])                             req[i][PortW] = 1'b1;
        else if (!head[i][17] && head[i][17:9] != 9'd0)  req[i][PortN] = 1'b1;
        else if (head[i][17])                            req[i][PortS] = 1'b1;
        else                                             req[i][PortL] = 1'b1;
      end
    end
  end

  // Round-robin per output: start searching at the input after the last one granted.
  // (the sum needs 4 bits: last 4 + step 5 = 9)
  reg [3:0] sum;
  reg [2:0] cand;
  // (an idle router, every FIFO empty, grants nothing: the search is skipped, which a
  // cycle-based simulator then does not evaluate; docs/performance.md)
  always @* begin
    sum  = 4'd0;
    cand = 3'd0;
    for (o = 0; o < NumPorts; o = o + 1) begin
      granted[o] = 1'b0;
      grant[o]   = 3'd0;
      if (!idle_o) for (k = 1; k <= NumPorts; k = k + 1) begin
        sum  = {1'b0, last_q[o]} + k[3:0];
        cand = (sum >= NumPorts[3:0]) ? sum[2:0] - NumPorts[2:0] : sum[2:0];
        if (!granted[o] && req[cand][o]) begin
          granted[o] = 1'b1;
          grant[o]   = cand;
        end
      end
    end
  end

  // Outputs, pops, and the next round-robin pointers.
  reg [FlitW-1:0] f;
  always @* begin
    pop = {NumPorts{1'b0}};
    out_valid_o = {NumPorts{1'b0}};
    out_flit_o = {NumPorts*FlitW{1'b0}};
    f = {FlitW{1'b0}};
    for (o = 0; o < NumPorts; o = o + 1) begin
      last_d[o] = last_q[o];
      // an output without a grant drives 0 (its flit is not valid)
      if (granted[o]) begin
        f = head[grant[o]];
        case (o)
          PortE:   f[8:0]  = f[8:0]  - 9'd1;
          PortW:   f[8:0]  = f[8:0]  + 9'd1;
          PortN:   f[17:9] = f[17:9] - 9'd1;
          PortS:   f[17:9] = f[17:9] + 9'd1;
          default: f = f;
        endcase
        out_valid_o[o] = 1'b1;
        out_flit_o[FlitW*o +: FlitW] = f;
        if (out_ready_i[o]) begin
          pop[grant[o]] = 1'b1;
          last_d[o] = grant[o];
        end
      end
    end
  end

  // A stall cycle: some input holds a flit that does not move this cycle.
  wire stalled = |(~empty & ~pop);

  always @* begin
    cnt_o = 32'd0;
    case (cnt_sel_i)
      3'd0, 3'd1, 3'd2, 3'd3, 3'd4: cnt_o = flits_q[cnt_sel_i];
      3'd5:                         cnt_o = stall_q;
      default:                      cnt_o = 32'd0;
    endcase
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (o = 0; o < NumPorts; o = o + 1) begin
        last_q[o]  <= NumPorts[2:0] - 3'd1;
        flits_q[o] <= 32'd0;
      end
      stall_q <= 32'd0;
    end else begin
      for (o = 0; o < NumPorts; o = o + 1) begin
        last_q[o] <= last_d[o];
        if (cnt_we_i && cnt_sel_i == o[2:0])
          flits_q[o] <= cnt_wdata_i;
        else if (out_valid_o[o] && out_ready_i[o])
          flits_q[o] <= flits_q[o] + 32'd1;
      end
      if (cnt_we_i && cnt_sel_i == 3'd5) stall_q <= cnt_wdata_i;
      else if (stalled)                  stall_q <= stall_q + 32'd1;
    end
  end
endmodule
